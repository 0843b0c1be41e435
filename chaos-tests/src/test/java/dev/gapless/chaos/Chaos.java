package dev.gapless.chaos;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gapless.core.AppendListener;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.core.strategy.WriteStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/** Shared settings and helpers of the chaos scenarios. */
final class Chaos {

    /** System property: ISO-8601 duration of each scenario's fault phase for a long soak, e.g. {@code PT10M}. */
    static final String SOAK_PROPERTY = "gapless.chaos.soak";

    /** The correct strategies the fault workloads rotate through. */
    static final List<String> STRATEGIES = List.of("row-lock", "group-commit", "server-function", "optimistic",
            "advisory-lock", "serializable", "retry");

    private static final Pattern PORT = Pattern.compile("//[^/:]+:(\\d+)/");

    private Chaos() {
    }

    /** The fault phase: {@code ciDefault} unless a soak duration is set. */
    static Duration duration(Duration ciDefault) {
        String soak = System.getProperty(SOAK_PROPERTY, "").trim();
        return soak.isEmpty() ? ciDefault : Duration.parse(soak);
    }

    static boolean soak() {
        return !System.getProperty(SOAK_PROPERTY, "").isBlank();
    }

    /** The port of a {@code jdbc:postgresql://host:port/db} URL. */
    static int port(String jdbcUrl) {
        Matcher m = PORT.matcher(jdbcUrl);
        if (!m.find()) {
            throw new IllegalArgumentException("no port in " + jdbcUrl);
        }
        return Integer.parseInt(m.group(1));
    }

    /** A HikariCP pool with a short connection timeout, so writers do not wait 30 s on a dead server. */
    static HikariDataSource pool(String jdbcUrl, String user, String password, int size, Duration connectionTimeout,
                                 String name) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        if (password != null && !password.isEmpty()) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setValidationTimeout(Math.min(1000, connectionTimeout.toMillis()));
        config.setInitializationFailTimeout(-1);
        // explicit, so HikariCP never probes the driver's default: a backend terminated during that one-time
        // probe leaves the pool with isolation -1 and every later connection fails ("Transaction isolation level
        // -1 not supported"); seen in the multi-process scenario, whose cold pools start under the backend killer
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        config.setPoolName(name);
        return new HikariDataSource(config);
    }

    /** One store per strategy name, all on {@code dataSource}, all telling {@code listener}. */
    static List<ArtifactStore> stores(DataSource dataSource, List<String> strategies, Duration timeout,
                                      AppendListener listener) {
        List<ArtifactStore> stores = new ArrayList<>();
        for (String s : strategies) {
            stores.add(ArtifactStore.builder(dataSource).strategy(WriteStrategy.named(s)).defaultTimeout(timeout)
                    .listener(listener).build());
        }
        return stores;
    }

    /** Starts {@code workload} on its own thread, for scenarios that inject their faults from the test thread. */
    static Running start(Workload workload, String name) {
        return new Running(workload, name);
    }

    /** A workload running on its own thread until {@link #stop()}. */
    static final class Running {
        private final Workload workload;
        private final Thread thread;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        private Running(Workload workload, String name) {
            this.workload = workload;
            this.thread = new Thread(() -> {
                try {
                    workload.run();
                } catch (Throwable t) {
                    failure.set(t);
                }
            }, name + "-workload");
            thread.start();
        }

        /** Stops the writers after their current op, waits for them, and fails if the run failed. */
        void stop() throws InterruptedException {
            workload.stop();
            thread.join();
            if (failure.get() != null) {
                throw new AssertionError("workload failure", failure.get());
            }
        }
    }

    /** Applies the schema and creates {@code n} artifacts in one chat. */
    static List<UUID> artifacts(DataSource dataSource, String chat, int n) {
        Schema.apply(dataSource);
        ArtifactStore store = ArtifactStore.create(dataSource);
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(store.getOrCreate(chat, "code-" + i, "hot artifact " + i).id());
        }
        return ids;
    }
}
