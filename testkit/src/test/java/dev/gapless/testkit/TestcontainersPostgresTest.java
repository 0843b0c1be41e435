package dev.gapless.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs against Docker's postgres:17-alpine when a Docker engine is available; skipped (not failed) otherwise. */
class TestcontainersPostgresTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.testcontainers()
            .withInitializer(ds -> Sql.execute(ds, "CREATE TABLE t (v int)"));

    @Test
    void containerRunsPostgres17WithSynchronousCommit() throws Exception {
        assertThat(PG.server().majorVersion()).isEqualTo(17);
        assertThat(Sql.queryString(PG.dataSource(), "SHOW synchronous_commit")).isEqualTo("on");
        assertThat(Sql.queryString(PG.dataSource(), "SHOW max_connections")).isEqualTo("400");
        assertThat(Sql.queryString(PG.dataSource(), "SELECT count(*) FROM t")).isEqualTo("0");
    }
}
