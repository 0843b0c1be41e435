package dev.gapless.testkit;

import java.nio.file.Path;
import java.time.Duration;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Run in a child JVM by {@link EmbeddedServerAfterACrashTest}: {@code hold DIR} starts the persistent server on
 * {@code DIR}, records its pid, prints {@code READY} and keeps the server until its standard input ends;
 * {@code use DIR WAIT_SECONDS} starts it (waiting that long for the directory), records its pid and stops. Prints
 * {@code DONE} and exits 0 on success, exits 1 with the stack trace otherwise.
 */
final class DataDirectoryUser {

    /** The table every run appends its pid to, so a test can tell which runs really ran. */
    static final String TABLE = "users_of_directory";

    private DataDirectoryUser() {
    }

    public static void main(String[] args) {
        try {
            Path directory = Path.of(args[1]);
            Duration wait = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 0);
            try (PostgresServer server = PostgresServer.embedded(directory, true, wait)) {
                PGSimpleDataSource ds = new PGSimpleDataSource();
                ds.setURL(server.jdbcUrl("postgres"));
                ds.setUser(server.user());
                ds.setPassword(server.password());
                Sql.execute(ds, "CREATE TABLE IF NOT EXISTS " + TABLE + " (pid bigint)");
                Sql.execute(ds, "INSERT INTO " + TABLE + " VALUES (" + ProcessHandle.current().pid() + ")");
                if (args[0].equals("hold")) {
                    System.out.println("READY");
                    System.out.flush();
                    System.in.readAllBytes();
                }
            }
            System.out.println("DONE");
            System.exit(0);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
    }
}
