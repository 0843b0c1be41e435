package dev.gapless.chaos;

import dev.gapless.testkit.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A primary and a streaming standby, both the embedded PostgreSQL 17 the other tests use, in two data directories.
 *
 * <p>The standby is a copy of the primary's data directory taken while the primary was cleanly stopped: a stopped
 * cluster's files are consistent as they are, so no backup protocol is needed, and zonky's bundle (initdb, pg_ctl and
 * postgres only, no pg_basebackup) is enough, on every machine the suite runs on. The copy gets what
 * {@code pg_basebackup -R -C -S s1} would write: {@code standby.signal}, {@code primary_conninfo},
 * {@code primary_slot_name = 's1'} (the slot is created on the primary first), plus {@code cluster_name = 's1'},
 * the name the primary's {@code synchronous_standby_names = 'FIRST 1 (s1)'} waits for.
 *
 * <p>Used by one test thread.
 */
final class StandbyPair implements AutoCloseable {

    /** How the primary's commits wait for the standby. */
    enum Replication {
        /** {@code synchronous_standby_names = 'FIRST 1 (s1)'} with {@code synchronous_commit = on}. */
        SYNCHRONOUS,
        /** No synchronous standby: a commit is acknowledged once it is durable on the primary alone. */
        ASYNCHRONOUS
    }

    static final String STANDBY_NAME = "s1";

    private static final Set<String> NOT_COPIED = Set.of("postmaster.pid", "postmaster.opts", "epg-lock");

    private final Path root;
    private final Path primaryDirectory;
    private PostgresServer primary;
    private final PostgresServer standby;
    private List<ProcessHandle> killed = List.of();

    private StandbyPair(Path root, Path primaryDirectory, PostgresServer primary, PostgresServer standby) {
        this.root = root;
        this.primaryDirectory = primaryDirectory;
        this.primary = primary;
        this.standby = standby;
    }

    /** Creates both clusters under {@code root} and waits until the standby streams in the given mode. */
    static StandbyPair start(Path root, Replication replication) throws Exception {
        Path a = root.resolve("primary");
        Path b = root.resolve("standby");
        PostgresServer primary = PostgresServer.embedded(a, true);
        PostgresServer standby = null;
        try {
            try (Connection c = connect(primary, "postgres"); Statement s = c.createStatement()) {
                // reserve WAL from now on, so the standby finds every segment after the copy's checkpoint
                s.execute("SELECT pg_create_physical_replication_slot('" + STANDBY_NAME + "', true)");
            }
            primary.close(); // a clean (fast) shutdown: the files are consistent
            copy(a, b);
            primary = PostgresServer.embedded(a, true);
            if (replication == Replication.SYNCHRONOUS) {
                try (Connection c = connect(primary, "postgres"); Statement s = c.createStatement()) {
                    s.execute("ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 (" + STANDBY_NAME + ")'");
                    s.execute("SELECT pg_reload_conf()");
                }
            }
            Files.writeString(b.resolve("standby.signal"), "");
            Files.writeString(b.resolve("postgresql.auto.conf"), String.join("\n",
                    "primary_conninfo = 'host=localhost port=" + Chaos.port(primary.jdbcUrl("postgres"))
                            + " user=" + primary.user() + " password=" + primary.password() + "'",
                    "primary_slot_name = '" + STANDBY_NAME + "'",
                    "cluster_name = '" + STANDBY_NAME + "'",
                    ""), StandardOpenOption.APPEND);
            standby = PostgresServer.embedded(b, true);
            StandbyPair pair = new StandbyPair(root, a, primary, standby);
            pair.awaitStreaming(replication == Replication.SYNCHRONOUS ? "sync" : "async");
            return pair;
        } catch (Exception | Error e) {
            primary.close();
            if (standby != null) {
                standby.close();
            }
            throw e;
        }
    }

    PostgresServer primary() {
        return primary;
    }

    PostgresServer standby() {
        return standby;
    }

    /** A pgjdbc multi-host URL naming both servers, primary first, that connects only to the one accepting writes. */
    String multiHostUrl(String database) {
        return "jdbc:postgresql://localhost:" + Chaos.port(primary.jdbcUrl("postgres")) + ",localhost:"
                + Chaos.port(standby.jdbcUrl("postgres")) + "/" + database + "?targetServerType=primary";
    }

    /**
     * Kills the primary's postmaster and all its children with SIGKILL ({@code kill -9}): no shutdown checkpoint,
     * and nothing more is sent to the standby. Returns at once; {@link #awaitPrimaryGone()} waits for the exits.
     *
     * @return {@link System#nanoTime()} right after the signals were sent
     */
    long killPrimary() throws IOException {
        long pid = Long.parseLong(Files.readAllLines(primaryDirectory.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(
                () -> new IllegalStateException("the primary's postmaster " + pid + " is not running"));
        killed = new ArrayList<>(postmaster.descendants().toList());
        killed.add(0, postmaster);
        killed.forEach(ProcessHandle::destroyForcibly);
        long at = System.nanoTime();
        return at;
    }

    /** Waits until the killed primary's processes are gone, and releases zonky's hold on its directory. */
    void awaitPrimaryGone() throws Exception {
        for (ProcessHandle p : killed) {
            p.onExit().get(30, TimeUnit.SECONDS);
        }
        primary.close(); // zonky's own stop finds nothing running; this releases its lock on the directory
    }

    /**
     * Promotes the standby ({@code pg_promote}, waiting until it accepts writes).
     *
     * @return the milliseconds promotion took
     */
    long promoteStandby() throws SQLException {
        long start = System.nanoTime();
        try (Connection c = connect(standby, "postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_promote(true, 60)")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                throw new IllegalStateException("the standby was not promoted within 60 s");
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Sends SIGSTOP (or SIGCONT) to the standby's WAL receiver: it stops (resumes) reading the primary's WAL. */
    void signalWalReceiver(String signal) throws Exception {
        long pid;
        try (Connection c = connect(standby, "postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pid FROM pg_stat_wal_receiver")) {
            if (!rs.next()) {
                throw new IllegalStateException("the standby has no WAL receiver");
            }
            pid = rs.getLong(1);
        }
        Process kill = new ProcessBuilder("sh", "-c", "kill -s " + signal + " \"$1\"", "kill", Long.toString(pid))
                .redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -s " + signal + " " + pid + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Bytes of WAL the primary wrote that the standby has not yet received. */
    long receiveLagBytes() throws SQLException {
        try (Connection c = connect(primary, "postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), write_lsn)"
                     + " FROM pg_stat_replication WHERE application_name = '" + STANDBY_NAME + "'")) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    @Override
    public void close() throws IOException {
        killed.forEach(ProcessHandle::destroyForcibly);
        primary.close();
        standby.close();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private void awaitStreaming(String syncState) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String seen = "nothing";
        while (System.nanoTime() < deadline) {
            try (Connection c = connect(primary, "postgres"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT state, sync_state FROM pg_stat_replication"
                         + " WHERE application_name = '" + STANDBY_NAME + "'")) {
                if (rs.next()) {
                    seen = rs.getString(1) + "/" + rs.getString(2);
                    if ("streaming".equals(rs.getString(1)) && syncState.equals(rs.getString(2))) {
                        return;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the standby did not stream as " + syncState + " within 60 s; last seen: "
                + seen);
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.toList()) {
                Path relative = from.relativize(source);
                if (NOT_COPIED.contains(relative.toString())
                        || relative.getNameCount() > 1 && relative.getName(0).toString().equals("pg_replslot")) {
                    continue; // the primary's process files, lock and slots are not the standby's
                }
                Path target = to.resolve(relative.toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                    // PostgreSQL refuses a data directory that others may read (it wants 0700 or 0750)
                    Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(source));
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    static Connection connect(PostgresServer server, String database) throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(database), properties(server));
    }

    private static Properties properties(PostgresServer server) {
        Properties props = new Properties();
        props.setProperty("user", server.user());
        props.setProperty("password", server.password());
        return props;
    }
}
