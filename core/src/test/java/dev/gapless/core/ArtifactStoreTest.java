package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArtifactStoreTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    private static Artifact newArtifact(ArtifactStore store) {
        return store.getOrCreate("chat-" + UUID.randomUUID(), "code", "Blink");
    }

    @ParameterizedTest
    @ValueSource(strings = {"naive", "seed-retry", "row-lock"})
    void sequentialAppendsBuildALinearHistory(String strategy) {
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(Strategies.of(strategy)).build();
        Artifact artifact = newArtifact(store);
        assertThat(store.latest(artifact.id())).isEmpty();

        AppendResult first = store.append(artifact.id(), Change.put(new CodeFile("main.cpp", "cpp", "v1", "entry")));
        AppendResult second = store.append(artifact.id(), Change.put(new CodeFile("main.cpp", "cpp", "v2", "entry")));
        AppendResult third = store.append(artifact.id(), Change.batch(List.of(
                Change.put(CodeFile.of("config.h", "#define X")), Change.delete("main.cpp"))));

        assertThat(List.of(first.version(), second.version(), third.version())).containsExactly(1, 2, 3);
        assertThat(first.summary()).isEqualTo("Added main.cpp");
        assertThat(second.summary()).isEqualTo("Updated main.cpp");
        assertThat(third.summary()).isEqualTo("Added config.h; Removed main.cpp");
        assertThat(first.attempts()).isEqualTo(1);
        assertThat(first.deduplicated()).isFalse();

        assertThat(store.latest(artifact.id()).orElseThrow().snapshot().filenames()).containsExactly("config.h");
        assertThat(store.version(artifact.id(), 2).orElseThrow().snapshot().find("main.cpp").orElseThrow().content())
                .isEqualTo("v2");
        assertThat(store.version(artifact.id(), 4)).isEmpty();
        assertThat(store.history(artifact.id())).extracting(VersionSummary::number, VersionSummary::summary,
                        VersionSummary::fileCount)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "Added main.cpp", 1),
                        org.assertj.core.groups.Tuple.tuple(2, "Updated main.cpp", 1),
                        org.assertj.core.groups.Tuple.tuple(3, "Added config.h; Removed main.cpp", 1));
        assertThat(store.find(artifact.id()).orElseThrow().headVersion()).isEqualTo(3);
        Invariants.check(PG.dataSource(), store, artifact.id());
    }

    @Test
    void theSameIdempotencyKeyTwiceWritesOneVersion() {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        Artifact artifact = newArtifact(store);
        AppendOptions key = AppendOptions.defaults().withIdempotencyKey("call_abc");
        AppendResult first = store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "1")), key);
        store.append(artifact.id(), Change.put(CodeFile.of("b.txt", "2")));
        AppendResult replay = store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "1")), key);

        assertThat(replay.deduplicated()).isTrue();
        assertThat(replay.version()).isEqualTo(first.version()).isEqualTo(1);
        assertThat(replay.summary()).isEqualTo("Added a.txt");
        assertThat(store.history(artifact.id())).hasSize(2);
        assertThat(store.version(artifact.id(), 1).orElseThrow().key()).contains("call_abc");
    }

    @ParameterizedTest
    @ValueSource(strings = {"naive", "row-lock"})
    void concurrentDuplicatesOfOneKeyYieldOneVersion(String strategy) {
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(Strategies.of(strategy)).build();
        Artifact artifact = newArtifact(store);
        int n = 12;
        List<Change> changes = Collections.nCopies(n, Change.put(CodeFile.of("a.txt", "same")));
        List<String> keys = Collections.nCopies(n, "call_dup");
        List<ConcurrentAppends.Outcome> outcomes = ConcurrentAppends.run(store, artifact.id(), changes, keys);

        // naive may lose a race on the version number before it sees the key; any success must be version 1
        List<Integer> versions = new ArrayList<>();
        outcomes.stream().filter(ConcurrentAppends.Outcome::succeeded).forEach(o -> versions.add(o.result().version()));
        assertThat(versions).isNotEmpty().containsOnly(1);
        assertThat(outcomes.stream().filter(o -> o.succeeded() && !o.result().deduplicated())).hasSize(1);
        assertThat(store.history(artifact.id())).hasSize(1);
        if (strategy.equals("row-lock")) {
            assertThat(versions).hasSize(n);
        }
    }

    @Test
    void expectedVersionMismatchFailsAtOnceWithExpectedAndActual() {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        Artifact artifact = newArtifact(store);
        store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "1")));
        store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "2")));

        assertThatThrownBy(() -> store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "3")),
                AppendOptions.defaults().withExpectedVersion(1)))
                .isInstanceOfSatisfying(VersionConflictException.class, e -> {
                    assertThat(e.expected()).isEqualTo(1);
                    assertThat(e.actual()).isEqualTo(2);
                });
        AppendResult ok = store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "3")),
                AppendOptions.defaults().withExpectedVersion(2));
        assertThat(ok.version()).isEqualTo(3);
    }

    @Test
    void aWriterBlockedPastItsDeadlineTimesOutAndWritesNothing() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        Artifact artifact = newArtifact(store);
        try (Connection holder = PG.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement("SELECT 1 FROM artifacts WHERE id = ? FOR UPDATE")) {
                lock.setObject(1, artifact.id());
                lock.executeQuery().close();
            }
            assertThatThrownBy(() -> store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "x")),
                    AppendOptions.defaults().withTimeout(Duration.ofMillis(300))))
                    .isInstanceOfSatisfying(AppendTimeoutException.class, e -> {
                        assertThat(e.sqlState()).hasValueSatisfying(state -> assertThat(state).isIn("55P03", "57014"));
                        assertThat(e.timeout()).isEqualTo(Duration.ofMillis(300));
                    });
            holder.rollback();
        }
        assertThat(store.history(artifact.id())).isEmpty();
        assertThat(store.find(artifact.id()).orElseThrow().headVersion()).isZero();
    }

    @Test
    void seedRetryGivesUpAfterThreeRetriesWithEarlierFailuresAttached() throws Exception {
        List<Duration> slept = Collections.synchronizedList(new ArrayList<>());
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.lossyBaseline("seed-retry"))
                .sleeper(slept::add).build();
        Artifact artifact = newArtifact(store);
        store.append(artifact.id(), Change.put(CodeFile.of("a.txt", "1")));
        // a writer that bypasses head_version leaves version 2 taken while the head still says 1:
        // every naive attempt reads head 1, tries version 2 and collides
        try (Connection c = PG.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO artifact_versions (artifact_id, version_number,"
                     + " file_count, change_json, change_summary) SELECT artifact_id, 2, file_count, change_json,"
                     + " change_summary FROM artifact_versions WHERE artifact_id = ? AND version_number = 1")) {
            s.setObject(1, artifact.id());
            s.executeUpdate();
        }
        assertThatThrownBy(() -> store.append(artifact.id(), Change.put(CodeFile.of("b.txt", "2"))))
                .isInstanceOfSatisfying(RetriesExhaustedException.class, e -> {
                    assertThat(e.attempts()).isEqualTo(4);
                    assertThat(e.getCause()).isInstanceOf(WriteConflictException.class);
                    assertThat(e.getSuppressed()).hasSize(3).allMatch(s -> s instanceof WriteConflictException);
                    assertThat(((WriteConflictException) e.getCause()).constraint())
                            .contains("artifact_versions_artifact_id_version_number_key");
                });
        assertThat(slept).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
    }

    @Test
    void naiveReportsTheConflictItLosesWithSqlStateAndConstraint() throws Exception {
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.lossyBaseline("naive")).build();
        Artifact artifact = newArtifact(store);
        try (Connection c = PG.dataSource().getConnection();
             PreparedStatement s = c.prepareStatement("INSERT INTO artifact_versions (artifact_id, version_number,"
                     + " file_count, change_json, change_summary) VALUES (?, 1, 0,"
                     + " '{\"op\":\"delete\",\"filename\":\"x\"}', 'outside')")) {
            s.setObject(1, artifact.id());
            s.executeUpdate();
        }
        assertThatThrownBy(() -> store.append(artifact.id(), Change.put(CodeFile.of("b.txt", "2"))))
                .isInstanceOfSatisfying(WriteConflictException.class, e -> {
                    assertThat(e.sqlState()).contains("23505");
                    assertThat(e.constraint()).contains("artifact_versions_artifact_id_version_number_key");
                });
    }

    @Test
    void unknownStrategyNameListsTheKnownOnes() {
        assertThatThrownBy(() -> WriteStrategy.named("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope").hasMessageContaining("row-lock").hasMessageContaining("naive");
        assertThat(WriteStrategy.named("ROW-LOCK").name()).isEqualTo("row-lock");
        assertThat(Strategies.all()).containsExactly("naive", "seed-retry", "retry", "optimistic", "row-lock",
                "advisory-lock", "serializable", "server-function", "group-commit");
        assertThat(WriteStrategy.names()).as("the lossy baselines are not offered beside the real strategies")
                .containsExactly("retry", "optimistic", "row-lock", "advisory-lock", "serializable",
                        "server-function", "group-commit");
    }
}
