package dev.gapless.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A persistent data directory after its process was killed ({@code kill -9}, really, in a child JVM), and with two
 * processes at once: the next start must work at once, or say who holds the directory.
 */
class EmbeddedServerAfterACrashTest {

    /** A bound on how long a child may take to start a server on a busy machine, not an expectation. */
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @TempDir
    Path tempDir;

    private final List<ChildJvm> children = new ArrayList<>();

    @AfterEach
    void stopWhatIsLeft() throws Exception {
        for (ChildJvm child : children) {
            child.close();
        }
        try (Stream<Path> entries = Files.list(tempDir)) {
            for (Path dir : entries.toList()) {
                postmasterPid(dir).flatMap(ProcessHandle::of).ifPresent(p -> {
                    p.destroy();
                    p.onExit().join();
                });
            }
        }
    }

    @Test
    void whileItsProcessRunsOthersAreToldWhoHoldsItAndAfterAKillTheOrphanedServerIsStopped() throws Exception {
        Path dir = tempDir.resolve("pg");
        ChildJvm holder = child("hold", dir.toString());
        holder.awaitLine("READY"::equals, PATIENCE);

        assertThatThrownBy(() -> PostgresServer.embedded(dir, true, Duration.ZERO))
                .isInstanceOfSatisfying(DataDirectoryInUseException.class,
                        e -> assertThat(e.holderPid()).hasValue(holder.pid()))
                .hasMessageContaining("in use by process " + holder.pid())
                .hasMessageContaining("kill " + holder.pid());

        long orphan = postmasterPid(dir).orElseThrow();
        holder.kill();
        assertThat(ProcessHandle.of(orphan).filter(ProcessHandle::isAlive))
                .as("precondition: kill -9 of the JVM leaves its PostgreSQL running").isPresent();

        try (PostgresServer server = PostgresServer.embedded(dir, true)) {
            assertThat(server.describe()).contains("reused persistent");
            assertThat(Sql.queryString(admin(server), "SELECT pid FROM " + DataDirectoryUser.TABLE))
                    .isEqualTo(Long.toString(holder.pid()));
        }
        assertThat(ProcessHandle.of(orphan).filter(ProcessHandle::isAlive)).as("the orphan was stopped").isEmpty();
    }

    @Test
    void aKillDuringInitdbLeavesNothingThatStopsTheNextStart() throws Exception {
        Path dir = tempDir.resolve("pg");
        ChildJvm starter = child("use", dir.toString());
        awaitInitdbHalfWay(starter);
        starter.killWithDescendants();

        try (PostgresServer server = PostgresServer.embedded(dir, true)) {
            assertThat(server.describe()).contains("new persistent");
            assertThat(Sql.queryString(admin(server), "SELECT count(*) FROM pg_database WHERE datname = 'postgres'"))
                    .isEqualTo("1");
        }
        assertThat(names(tempDir)).as("the killed run's staging directory is gone")
                .containsExactlyInAnyOrder("pg", "pg.lock");
    }

    @Test
    void twoProcessesStartingOnOneNewDirectoryBothRunOneAfterTheOther() throws Exception {
        Path dir = tempDir.resolve("pg");
        ChildJvm first = child("use", dir.toString(), "120");
        ChildJvm second = child("use", dir.toString(), "120");

        // exit 0 after DONE: each started the server, wrote its row and stopped it
        assertThat(first.awaitExit(PATIENCE.multipliedBy(2))).as("first: %s%s", first.output(), first.errors())
                .isZero();
        assertThat(second.awaitExit(PATIENCE.multipliedBy(2))).as("second: %s%s", second.output(), second.errors())
                .isZero();
        assertThat(first.output()).contains("DONE");
        assertThat(second.output()).contains("DONE");
    }

    @Test
    void aClusterLeftUnfinishedInPlaceIsMovedAsideAndReplaced() throws Exception {
        Path dir = Files.createDirectories(tempDir.resolve("pg"));
        Files.writeString(dir.resolve("PG_VERSION"), "17\n"); // what an initdb killed early leaves, and no database
        Files.writeString(dir.resolve("postgresql.conf"), "");

        try (PostgresServer server = PostgresServer.embedded(dir, true)) {
            assertThat(server.describe()).contains("new persistent");
        }
        assertThat(names(tempDir)).anyMatch(name -> name.startsWith("pg.unfinished-"));
    }

    @Test
    void aDirectoryHoldingSomethingElseIsRefusedAndLeftAlone() throws Exception {
        Path dir = Files.createDirectories(tempDir.resolve("notes"));
        Files.writeString(dir.resolve("todo.txt"), "keep me");

        assertThatThrownBy(() -> PostgresServer.embedded(dir, true))
                .hasMessageContaining("neither empty nor a PostgreSQL data directory");
        assertThat(names(dir)).containsExactly("todo.txt");
    }

    private ChildJvm child(String... args) throws IOException {
        ChildJvm child = ChildJvm.start(DataDirectoryUser.class.getName(), args);
        children.add(child);
        return child;
    }

    /** Until the child's initdb runs and has written its postgresql.conf, so it is killed in the middle. */
    private void awaitInitdbHalfWay(ChildJvm starter) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            boolean initdb = starter.descendants().stream().anyMatch(p -> p.info().command()
                    .filter(c -> c.endsWith("initdb")).isPresent());
            if (initdb && hasConfigFile(tempDir)) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("initdb never seen half-way; the child printed:\n" + starter.output()
                + starter.errors());
    }

    private static boolean hasConfigFile(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root, 2)) {
            return files.anyMatch(p -> p.getFileName().toString().equals("postgresql.conf"));
        }
    }

    private static java.util.Optional<Long> postmasterPid(Path dir) throws IOException {
        Path file = dir.resolve("postmaster.pid");
        if (!Files.exists(file)) {
            return java.util.Optional.empty();
        }
        return Files.readAllLines(file).stream().findFirst().map(String::trim).map(Long::parseLong);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).toList();
        }
    }

    private static DataSource admin(PostgresServer server) {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL(server.jdbcUrl("postgres"));
        ds.setUser(server.user());
        ds.setPassword(server.password());
        return ds;
    }
}
