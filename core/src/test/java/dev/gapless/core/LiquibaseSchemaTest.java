package dev.gapless.core;

import static dev.gapless.core.FlywaySchemaTest.assertWorks;
import static dev.gapless.core.FlywaySchemaTest.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.testkit.PostgresExtension;
import dev.gapless.testkit.TestDatabase;
import java.sql.Connection;
import javax.sql.DataSource;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/schema.md's Liquibase recipe against real Liquibase 4: an application's change log that includes
 * {@value Schema#LIQUIBASE_CHANGELOG}; {@link Schema#apply} after it, and it after {@link Schema#apply}.
 */
class LiquibaseSchemaTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create();

    static void update(DataSource ds, String changelog) throws Exception {
        try (Connection c = ds.getConnection()) {
            Database database = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            new CommandScope(UpdateCommandStep.COMMAND_NAME)
                    .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                    .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, changelog)
                    .execute();
        }
    }

    @Test
    void anApplicationsChangelogRunsGaplesssBesideItsOwn() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("liquibase_app")) {
            DataSource ds = db.dataSource();
            update(ds, "app/changelog.xml");
            assertThat(count(ds, "SELECT count(*) FROM databasechangelog WHERE author = 'gapless'"
                    + " AND exectype = 'EXECUTED'")).isEqualTo(Schema.MIGRATIONS.size());
            assertThat(count(ds, "SELECT count(*) FROM app_orders")).isZero();
            assertThat(Schema.apply(ds)).isZero();
            assertThat(Schema.appliedVersion(ds)).isEqualTo(Schema.latestVersion());
            update(ds, "app/changelog.xml");
            assertWorks(ds);
        }
    }

    @Test
    void liquibaseTakesOverASchemaThatSchemaApplyMadeWithoutRunningItAgain() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("apply_then_liquibase")) {
            DataSource ds = db.dataSource();
            MigrationTest.applyVersionOneSchema(ds);
            update(ds, Schema.LIQUIBASE_CHANGELOG);
            assertThat(count(ds, "SELECT count(*) FROM databasechangelog WHERE exectype = 'MARK_RAN'")).isEqualTo(3);
            assertThat(count(ds, "SELECT count(*) FROM databasechangelog WHERE exectype = 'EXECUTED'")).isEqualTo(Schema.MIGRATIONS.size() - 3);
            assertThat(Schema.apply(ds)).isZero();
            assertWorks(ds);
        }
    }

    @Test
    void schemaApplyLeavesMigrationsThatLiquibaseHasNotAppliedToLiquibase() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("liquibase_behind")) {
            DataSource ds = db.dataSource();
            update(ds, Schema.LIQUIBASE_CHANGELOG);
            try (Connection c = ds.getConnection(); var s = c.createStatement()) {
                s.execute("DELETE FROM databasechangelog WHERE id = 'V4__storage_v2.sql'");
            }
            assertThatThrownBy(() -> Schema.apply(ds)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("Liquibase migrated Gapless's schema in \"public\" (table databasechangelog)"
                            + " and has not applied V4__storage_v2.sql");
        }
    }
}
