package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.core.internal.Digest;
import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The one write that inserts a content after taking the artifact's lock is an edit (its result is known only then).
 * If another writer inserted the same content before the lock and now waits for the lock, the two wait for each
 * other; PostgreSQL breaks the cycle with 40P01 and the edit still lands (see "Lock order" in docs/architecture.md).
 * This builds that cycle on purpose.
 */
class EditDeadlockTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    @Test
    void anEditWhoseResultAnotherWriterInsertedBeforeTheLockStillLands() throws Exception {
        List<String> conflicts = new CopyOnWriteArrayList<>();
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.rowLock())
                .listener(new AppendListener() {
                    @Override
                    public void onConflict(AppendEvent.Conflict event) {
                        conflicts.add(event.sqlState());
                    }
                }).build();
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "deadlock").id();
        store.append(id, Change.put(CodeFile.of("main.cpp", "int a;\n")));
        String result = "int b;\n";

        try (Connection other = PG.dataSource().getConnection()) {
            other.setAutoCommit(false);
            // another writer stores the edit's future result before the lock, and has not committed yet
            try (PreparedStatement insert = other.prepareStatement(
                    "INSERT INTO artifact_contents (artifact_id, sha256, content) VALUES (?, ?, ?)")) {
                insert.setObject(1, id);
                insert.setBytes(2, Digest.of(result).bytes());
                insert.setString(3, result);
                insert.executeUpdate();
            }
            // the edit takes the lock, reads, computes that content and waits to insert it
            CompletableFuture<AppendResult> edit = CompletableFuture.supplyAsync(
                    () -> store.append(id, Change.edit("main.cpp", "int a;", "int b;")));
            awaitWaiters(1);
            // the other writer now queues for the lock the edit holds: each waits for the other
            String queued;
            try {
                execute(other, "UPDATE artifacts SET head_version = head_version WHERE id = ?", id);
                queued = "ok";
            } catch (SQLException e) {
                queued = e.getSQLState();
            }
            other.rollback();

            AppendResult r = edit.get(30, TimeUnit.SECONDS);
            assertThat(r.version()).isEqualTo(2);
            assertThat(r.summary()).isEqualTo("Edited main.cpp (1 replacement)");
            assertThat(List.of(queued, String.join(",", conflicts)))
                    .as("the cycle formed and PostgreSQL broke it (40P01 for one side)")
                    .anySatisfy(s -> assertThat(s).contains("40P01"));
        }
        assertThat(store.latest(id).orElseThrow().snapshot().find("main.cpp").orElseThrow().content())
                .isEqualTo(result);
        Invariants.check(PG.dataSource(), store, id);
    }

    private static void execute(Connection c, String sql, UUID id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, id);
            s.execute();
        }
    }

    /** Waits (at most 20 s) until this many lock requests wait. */
    private static void awaitWaiters(int n) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try (Connection c = PG.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                     + " WHERE datname = current_database() AND wait_event_type = 'Lock'")) {
            while (System.nanoTime() < until) {
                try (ResultSet r = s.executeQuery()) {
                    r.next();
                    if (r.getInt(1) >= n) {
                        return;
                    }
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("fewer than " + n + " writers waited for a lock within 20 s");
    }
}
