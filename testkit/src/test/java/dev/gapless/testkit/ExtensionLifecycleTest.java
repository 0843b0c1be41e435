package dev.gapless.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Runs small test classes through the JUnit engine to check what the extension does around a class's lifecycle.
 * The nested classes are not picked up by Surefire on their own (it skips {@code Outer$Inner} classes).
 */
class ExtensionLifecycleTest {

    static final Map<String, String> DATABASE_BY_CLASS = new ConcurrentHashMap<>();

    @Test
    void eachTestClassGetsItsOwnDatabaseWhichIsDroppedAfterTheClass() throws Exception {
        Events tests = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(WritesARow.class), selectClass(SeesNoRow.class))
                .execute().testEvents();

        tests.assertStatistics(stats -> stats.started(3).succeeded(3).failed(0));
        String first = DATABASE_BY_CLASS.get("WritesARow");
        String second = DATABASE_BY_CLASS.get("SeesNoRow");
        assertThat(first).startsWith("writesarow_");
        assertThat(second).startsWith("seesnorow_").isNotEqualTo(first);
        assertThat(Sql.databaseExists(PostgresServer.shared(), first)).isFalse();
        assertThat(Sql.databaseExists(PostgresServer.shared(), second)).isFalse();
    }

    @Test
    void failingInitializerFailsTheClassAndLeavesNoDatabase() throws Exception {
        Events containers = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(BrokenInitializer.class))
                .execute().containerEvents();

        containers.assertStatistics(stats -> stats.failed(1));
        String name = DATABASE_BY_CLASS.get("BrokenInitializer");
        assertThat(name).isNotNull();
        assertThat(Sql.databaseExists(PostgresServer.shared(), name)).isFalse();
    }

    @Test
    void testcontainersVariantIsSkippedWithAReasonWhenDockerIsMissing() {
        Assumptions.assumeFalse(TestcontainersPostgres.dockerAvailable(), "Docker is available here");

        Events containers = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(NeedsDocker.class))
                .execute().containerEvents();

        containers.assertStatistics(stats -> stats.skipped(1).failed(0).aborted(0));
        assertThat(containers.skipped().stream().map(e -> e.getPayload(String.class).orElseThrow()))
                .containsExactly(PostgresExtension.NO_DOCKER_REASON);
    }

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class WritesARow {
        @RegisterExtension
        static final PostgresExtension PG = PostgresExtension.create()
                .withInitializer(ds -> Sql.execute(ds, "CREATE TABLE marker (v text)"));

        @Test
        @Order(1)
        void writes() throws Exception {
            DATABASE_BY_CLASS.put("WritesARow", PG.database().name());
            Sql.execute(PG.dataSource(), "INSERT INTO marker VALUES ('written')");
        }

        @Test
        @Order(2)
        void laterTestInTheSameClassSeesIt() throws Exception {
            assertThat(Sql.queryString(PG.dataSource(), "SELECT v FROM marker")).isEqualTo("written");
        }
    }

    static class SeesNoRow {
        @RegisterExtension
        static final PostgresExtension PG = PostgresExtension.create();

        @Test
        void seesNoTableFromTheOtherClass() throws Exception {
            DATABASE_BY_CLASS.put("SeesNoRow", PG.database().name());
            assertThat(Sql.queryString(PG.dataSource(), "SELECT to_regclass('public.marker')::text")).isNull();
        }
    }

    static class BrokenInitializer {
        @RegisterExtension
        static final PostgresExtension PG = PostgresExtension.create()
                .withInitializer(ds -> Sql.execute(ds, "SELECT 1"))
                .withInitializer(ds -> {
                    DATABASE_BY_CLASS.put("BrokenInitializer",
                            Sql.queryString(ds, "SELECT current_database()"));
                    Sql.execute(ds, "THIS IS NOT SQL");
                });

        @Test
        void neverRuns() {
            throw new AssertionError("must not run");
        }
    }

    static class NeedsDocker {
        @RegisterExtension
        static final PostgresExtension PG = PostgresExtension.testcontainers();

        @Test
        void neverRunsWithoutDocker() {
            throw new AssertionError("must not run without Docker");
        }
    }
}
