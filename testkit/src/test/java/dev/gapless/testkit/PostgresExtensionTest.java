package dev.gapless.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresExtensionTest {

    private static final List<String> CALLS = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create()
            .withPoolSize(12)
            .withInitializer(ds -> {
                CALLS.add("create table");
                Sql.execute(ds, "CREATE TABLE events (id bigint PRIMARY KEY, note text NOT NULL)");
            })
            .withInitializer(ds -> {
                CALLS.add("insert row");
                Sql.execute(ds, "INSERT INTO events VALUES (1, 'seeded')"); // fails unless run after the first
            });

    @Test
    void initializersRanOnceInOrderBeforeTests() throws Exception {
        assertThat(CALLS).containsExactly("create table", "insert row");
        assertThat(Sql.queryString(PG.dataSource(), "SELECT note FROM events WHERE id = 1")).isEqualTo("seeded");
    }

    @Test
    void databaseIsNamedAfterTheTestClassAndUsesTheConfiguredPoolSize() throws Exception {
        assertThat(PG.database().name()).startsWith("postgresextensiontest_");
        assertThat(PG.jdbcUrl()).endsWith("/" + PG.database().name());
        assertThat(PG.dataSource().getMaximumPoolSize()).isEqualTo(12);
        assertThat(PG.server()).isSameAs(PostgresServer.shared());
        assertThat(Sql.queryString(PG.newDataSource(2), "SELECT current_database()")).isEqualTo(PG.database().name());
    }

    @Test
    void accessorsOutsideAClassLifecycleFailClearly() {
        PostgresExtension unregistered = PostgresExtension.create();

        assertThatThrownBy(unregistered::dataSource).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("static @RegisterExtension");
        assertThatThrownBy(unregistered::server).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> unregistered.newDataSource(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void builderMethodsReturnNewInstances() {
        PostgresExtension base = PostgresExtension.create();

        assertThat(base.withPoolSize(3)).isNotSameAs(base);
        assertThat(base.withInitializer(ds -> { })).isNotSameAs(base);
        assertThatThrownBy(() -> base.withPoolSize(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
