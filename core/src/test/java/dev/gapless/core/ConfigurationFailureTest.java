package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gapless.testkit.PostgresExtension;
import dev.gapless.testkit.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 22 item 3: a configuration no retry can fix ends an append (and getOrCreate) at once, with a
 * {@link ConfigurationException} that names the cause (SQLSTATE and the server's words) and says nothing was written,
 * through PGSimpleDataSource and through HikariCP alike. Every append here has a 10-minute deadline: the test
 * finishing at all shows that none waited for it.
 */
class ConfigurationFailureTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    private static final Duration LONG = Duration.ofMinutes(10);
    private static final String PASSWORD_ROLE = "gapless_pw_test";
    private static final String NO_PRIVILEGE_ROLE = "gapless_no_privilege_test";

    private static final List<HikariDataSource> POOLS = new ArrayList<>();

    /** How a data source is made from a JDBC URL, user and password. */
    private record Kind(String name, Function<String[], DataSource> make) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Kind> dataSources() {
        return Stream.of(new Kind("PGSimpleDataSource", a -> simple(a[0], a[1], a[2])),
                new Kind("HikariCP started on first use", a -> {
            HikariDataSource ds = new HikariDataSource();
            ds.setJdbcUrl(a[0]);
            ds.setUsername(a[1]);
            ds.setPassword(a[2]);
            POOLS.add(ds);
            return ds;
        }), new Kind("HikariCP started without connecting, retrying in the background", a -> {
            HikariConfig config = new HikariConfig();
            config.setJdbcUrl(a[0]);
            config.setUsername(a[1]);
            config.setPassword(a[2]);
            config.setInitializationFailTimeout(-1);
            config.setConnectionTimeout(1_000);
            HikariDataSource ds = new HikariDataSource(config);
            POOLS.add(ds);
            return ds;
        }));
    }

    @BeforeAll
    static void roles() throws Exception {
        try (Connection c = PG.dataSource().getConnection(); Statement s = c.createStatement()) {
            for (String role : List.of(PASSWORD_ROLE, NO_PRIVILEGE_ROLE)) {
                try (ResultSet r = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + role + "'")) {
                    if (!r.next()) {
                        s.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'right'");
                    }
                }
            }
        }
    }

    @AfterAll
    static void closePools() {
        POOLS.forEach(HikariDataSource::close);
    }

    private static DataSource make(Kind kind, String database, String user, String password) {
        return kind.make().apply(new String[] {PG.server().jdbcUrl(database), user, password});
    }

    private static String database() throws SQLException {
        try (Connection c = PG.dataSource().getConnection()) {
            return c.getCatalog();
        }
    }

    /** Asserts that an append and a getOrCreate both end with the problem, the state and the server's words. */
    private static void assertFailsAtOnce(DataSource ds, ConfigurationException.Problem problem, String sqlState,
                                          String said) {
        for (String strategy : List.of("row-lock", "server-function", "group-commit")) {
            ArtifactStore store = ArtifactStore.builder(ds).strategy(Strategies.of(strategy))
                    .defaultTimeout(LONG).build();
            ConfigurationException append = catchThrowableOfType(() -> store.append(UUID.randomUUID(),
                    Change.put(CodeFile.of("a.txt", "a")), AppendOptions.defaults().withIdempotencyKey("k")),
                    ConfigurationException.class);
            ConfigurationException getOrCreate = catchThrowableOfType(() -> store.getOrCreate("chat", "code", "t"),
                    ConfigurationException.class);
            for (ConfigurationException e : List.of(append, getOrCreate)) {
                assertThat(e).as(strategy).isNotNull();
                assertThat(e.problem()).isEqualTo(problem);
                assertThat(e.sqlState()).hasValueSatisfying(state -> assertThat(state).startsWith(sqlState));
                assertThat(e.getMessage()).contains("SQLSTATE " + sqlState).contains(said)
                        .endsWith("nothing was written, and no retry was made");
                assertThat(e.outcome()).isEqualTo(Outcome.NOT_APPLIED);
                assertThat(e.getSuppressed()).as("no retries whose failures were attached").isEmpty();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dataSources")
    void aWrongPasswordFailsAtOnceNamingTheCause(Kind kind) throws Exception {
        requirePasswords();
        assertFailsAtOnce(make(kind, database(), PASSWORD_ROLE, "wrong"),
                ConfigurationException.Problem.AUTHENTICATION, "28P01",
                "password authentication failed for user \"" + PASSWORD_ROLE + "\"");
    }

    @ParameterizedTest
    @MethodSource("dataSources")
    void anUnknownDatabaseFailsAtOnceNamingTheCause(Kind kind) {
        assertFailsAtOnce(make(kind, "gapless_no_such_db", PG.server().user(), PG.server().password()),
                ConfigurationException.Problem.UNKNOWN_DATABASE, "3D000",
                "database \"gapless_no_such_db\" does not exist");
    }

    @ParameterizedTest
    @MethodSource("dataSources")
    void aClosedPortFailsAtOnceNamingTheCause(Kind kind) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        DataSource ds = kind.make().apply(new String[] {"jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                PG.server().user(), PG.server().password()});
        assertFailsAtOnce(ds, ConfigurationException.Problem.UNREACHABLE, "08001",
                "Connection to 127.0.0.1:" + port + " refused");
    }

    @ParameterizedTest
    @MethodSource("dataSources")
    void aDatabaseWithoutTheSchemaFailsAtOnceSayingSo(Kind kind) {
        try (TestDatabase bare = PG.server().createDatabase("no_schema")) {
            DataSource ds = make(kind, bare.name(), PG.server().user(), PG.server().password());
            ArtifactStore store = ArtifactStore.builder(ds).defaultTimeout(LONG).build();
            ConfigurationException e = catchThrowableOfType(() -> store.getOrCreate("chat", "code", "t"),
                    ConfigurationException.class);
            assertThat(e.problem()).isEqualTo(ConfigurationException.Problem.SCHEMA_NOT_APPLIED);
            assertThat(e.getMessage()).contains("SQLSTATE 42P01: relation \"artifacts\" does not exist")
                    .contains("run Schema.apply(dataSource)");
            // 42P01 where a table is missing, 42883 where server-function's function is
            assertFailsAtOnce(ds, ConfigurationException.Problem.SCHEMA_NOT_APPLIED, "42", "does not exist");
            closeIfPool(ds);
        }
    }

    @ParameterizedTest
    @MethodSource("dataSources")
    void aUserWithoutPrivilegesFailsAtOnceNamingTheCause(Kind kind) throws Exception {
        assertFailsAtOnce(make(kind, database(), NO_PRIVILEGE_ROLE, "right"),
                ConfigurationException.Problem.INSUFFICIENT_PRIVILEGE, "42501", "permission denied for table artifact");
    }

    /**
     * pgjdbc's PGSimpleDataSource, which opens a connection per call. Made reflectively: its type implements
     * {@code javax.naming.Referenceable}, a module this one does not read.
     */
    private static DataSource simple(String url, String user, String password) {
        try {
            Class<?> type = Class.forName("org.postgresql.ds.PGSimpleDataSource");
            DataSource ds = (DataSource) type.getConstructor().newInstance();
            type.getMethod("setUrl", String.class).invoke(ds, url);
            type.getMethod("setUser", String.class).invoke(ds, user);
            type.getMethod("setPassword", String.class).invoke(ds, password);
            return ds;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void closeIfPool(DataSource ds) {
        if (ds instanceof HikariDataSource pool) {
            pool.close();
        }
    }

    /**
     * The embedded server trusts local logins; this role is made to need its password (a line in pg_hba.conf for
     * it alone). Skips where the server's configuration file cannot be written and the server accepts any password.
     */
    private static void requirePasswords() throws Exception {
        try (Connection c = PG.dataSource().getConnection(); Statement s = c.createStatement()) {
            Path hba;
            try (ResultSet r = s.executeQuery("SHOW hba_file")) {
                r.next();
                hba = Path.of(r.getString(1));
            }
            String line = "host all " + PASSWORD_ROLE + " all scram-sha-256\n";
            if (Files.isWritable(hba) && !Files.readString(hba).startsWith(line)) {
                Files.writeString(hba, line + Files.readString(hba), StandardCharsets.UTF_8);
                s.execute("SELECT pg_reload_conf()");
            }
        }
        DataSource probe = simple(PG.server().jdbcUrl(database()), PASSWORD_ROLE, "wrong");
        for (int i = 0; i < 100; i++) { // the server reloads its configuration asynchronously
            try (Connection ignored = probe.getConnection()) {
                Thread.sleep(50);
            } catch (SQLException refused) {
                return;
            }
        }
        Assumptions.abort("the server accepts any password for " + PASSWORD_ROLE);
    }
}
