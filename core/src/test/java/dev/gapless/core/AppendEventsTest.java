package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a store's listeners hear: typed events that name the append (its idempotency key), the attempt and the batch
 * size, once per member of a batch and once per batch that formed; several listeners, each hearing everything in
 * registration order, one that throws failing neither the append nor the others.
 */
class AppendEventsTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    private static final RetryPolicy FAST = RetryPolicy.builder().withFixedDelays(Duration.ofMillis(1))
            .withMaxAttempts(5).build();

    /** Records every event it hears. */
    private static final class Recorder implements AppendListener {
        final List<AppendEvent> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onEvent(AppendEvent event) {
            events.add(event);
        }
    }

    /** A success of an append alone; its result is the caller's but for the elapsed time, measured at return. */
    private static void assertSucceeded(AppendEvent event, UUID id, String key, int attempt, AppendResult result) {
        assertThat(event).isInstanceOfSatisfying(AppendEvent.Succeeded.class, e -> {
            assertThat(e.artifactId()).isEqualTo(id);
            assertThat(e.idempotencyKey()).isEqualTo(key);
            assertThat(e.attempt()).isEqualTo(attempt);
            assertThat(e.batchSize()).isEqualTo(1);
            assertThat(e.result()).usingRecursiveComparison().ignoringFields("elapsed").isEqualTo(result);
        });
    }

    static Stream<WriteStrategy> singleWriters() {
        return Stream.of(WriteStrategy.rowLock(FAST), WriteStrategy.serverFunction(FAST));
    }

    @ParameterizedTest
    @MethodSource("singleWriters")
    void eachEventOfARetriedAppendNamesItsKeyAttemptAndABatchOfOne(WriteStrategy strategy) {
        FaultyDataSource faulty = new FaultyDataSource(PG.dataSource());
        Recorder recorder = new Recorder();
        ArtifactStore store = ArtifactStore.builder(faulty).strategy(strategy).listener(recorder).build();
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
        faulty.dropNextCommits(1);

        AppendResult result = store.append(id, Change.put(CodeFile.of("a.txt", "x")),
                AppendOptions.defaults().withIdempotencyKey("call_1"));

        assertThat(faulty.injected()).isEqualTo(1);
        assertThat(result.attempts()).isEqualTo(2);
        List<AppendEvent> events = recorder.events;
        assertThat(events).hasSize(4);
        assertThat(events.get(0)).isEqualTo(new AppendEvent.Attempt(id, "call_1", 1, 1));
        assertThat(events.get(1)).isInstanceOfSatisfying(AppendEvent.RetryScheduled.class, e -> {
            assertThat(e.artifactId()).isEqualTo(id);
            assertThat(e.idempotencyKey()).isEqualTo("call_1");
            assertThat(e.attempt()).isEqualTo(1);
            assertThat(e.batchSize()).isEqualTo(1);
            assertThat(e.failure()).isInstanceOf(ConnectionLostException.class);
        });
        assertThat(events.get(2)).isEqualTo(new AppendEvent.Attempt(id, "call_1", 2, 1));
        assertSucceeded(events.get(3), id, "call_1", 2, result);
    }

    @ParameterizedTest
    @MethodSource("singleWriters")
    void anAppendWithoutAKeyIsHeardWithANullKeyAndAFailureWithItsOutcome(WriteStrategy strategy) {
        Recorder recorder = new Recorder();
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(strategy).listener(recorder).build();
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
        AppendResult result = store.append(id, Change.put(CodeFile.of("a.txt", "x")));
        assertThatThrownBy(() -> store.append(id, Change.put(CodeFile.of("a.txt", "y")),
                AppendOptions.defaults().withIdempotencyKey("call_2").withExpectedVersion(7)))
                .isInstanceOf(VersionConflictException.class);

        assertThat(recorder.events).hasSize(4);
        assertThat(recorder.events.get(0)).isEqualTo(new AppendEvent.Attempt(id, null, 1, 1));
        assertSucceeded(recorder.events.get(1), id, null, 1, result);
        assertThat(recorder.events.get(2)).isEqualTo(new AppendEvent.Attempt(id, "call_2", 1, 1));
        assertThat(recorder.events.get(3)).isInstanceOfSatisfying(AppendEvent.GaveUp.class, e -> {
            assertThat(e.idempotencyKey()).isEqualTo("call_2");
            assertThat(e.attempt()).isEqualTo(1);
            assertThat(e.failure()).isInstanceOf(VersionConflictException.class);
            assertThat(e.outcome()).isEqualTo(Outcome.NOT_APPLIED);
        });
    }

    @Test
    void aGroupCommitBatchSaysOnceThatItFormedAndEachMembersEventsNameTheMember() {
        Recorder recorder = new Recorder();
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.groupCommit())
                .listener(recorder).build();
        List<CodeFile> files = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            files.add(CodeFile.of("f" + i, "x"));
        }
        // appends that arrive together share a batch, which scheduling makes likely, not certain, on a loaded
        // machine: rounds until one batch had more than one member, each round checked whole
        List<Integer> sizes = new ArrayList<>();
        int rounds = 0;
        while (rounds < 10 && sizes.stream().noneMatch(n -> n > 1)) {
            rounds++;
            recorder.events.clear();
            sizes = oneGroupCommitRound(store, recorder, files);
        }
        assertThat(sizes).as("concurrent appends share transactions (%d rounds)", rounds).anyMatch(n -> n > 1);
    }

    /** 32 concurrent appends on a new artifact; checks their events and returns the batch sizes. */
    private static List<Integer> oneGroupCommitRound(ArtifactStore store, Recorder recorder, List<CodeFile> files) {
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
        assertThat(ConcurrentAppends.puts(store, id, files)).allMatch(ConcurrentAppends.Outcome::succeeded);

        List<AppendEvent> events = List.copyOf(recorder.events);
        List<Integer> sizes = new ArrayList<>();
        Set<String> succeeded = new HashSet<>();
        // one leader at a time per artifact: a batch's event, then its members' first attempts, each naming one
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof AppendEvent.BatchFormed batch) {
                assertThat(batch.artifactId()).isEqualTo(id);
                int n = batch.batchSize();
                sizes.add(n);
                Set<String> keys = new HashSet<>();
                for (int j = 1; j <= n; j++) {
                    assertThat(events.get(i + j)).isInstanceOfSatisfying(AppendEvent.Attempt.class, a -> {
                        assertThat(a.attempt()).isEqualTo(1);
                        assertThat(a.batchSize()).isEqualTo(n);
                        keys.add(a.idempotencyKey());
                    });
                }
                assertThat(keys).as("each member of the batch once").hasSize(n).doesNotContainNull();
            } else if (events.get(i) instanceof AppendEvent.Succeeded s) {
                assertThat(succeeded.add(s.idempotencyKey())).as("one success per member").isTrue();
                assertThat(s.attempt()).isEqualTo(s.result().attempts());
            }
        }
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).as("every append in exactly one batch")
                .isEqualTo(32);
        assertThat(succeeded).containsExactlyInAnyOrderElementsOf(files.stream().map(f -> "call_" + f.filename())
                .toList());
        return sizes;
    }

    @Test
    void twoListenersBothHearEveryEventInRegistrationOrder() {
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.rowLock())
                .listener(new AppendListener() {
                    @Override
                    public void onEvent(AppendEvent event) {
                        heard.add("first " + event.getClass().getSimpleName());
                    }
                })
                .listener(new AppendListener() {
                    @Override
                    public void onAttempt(AppendEvent.Attempt event) {
                        heard.add("second Attempt");
                    }

                    @Override
                    public void onSuccess(AppendEvent.Succeeded event) {
                        heard.add("second Succeeded");
                    }
                }).build();
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
        store.append(id, Change.put(CodeFile.of("a.txt", "1")));
        store.append(id, Change.put(CodeFile.of("a.txt", "2")));

        assertThat(heard).containsExactly("first Attempt", "second Attempt", "first Succeeded", "second Succeeded",
                "first Attempt", "second Attempt", "first Succeeded", "second Succeeded");
    }

    @Test
    void aThrowingListenerStopsNeitherTheAppendNorTheListenersAfterIt() {
        Recorder before = new Recorder();
        Recorder after = new Recorder();
        AppendListener broken = new AppendListener() {
            @Override
            public void onEvent(AppendEvent event) {
                throw new IllegalStateException("a broken listener");
            }
        };
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.groupCommit())
                .listener(before).listener(broken).listener(after).build();
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
        for (int i = 1; i <= 3; i++) {
            AppendResult result = store.append(id, Change.put(CodeFile.of("a.txt", "v" + i)),
                    AppendOptions.defaults().withIdempotencyKey("call_" + i));
            assertThat(result.version()).isEqualTo(i);
        }

        assertThat(store.history(id)).hasSize(3);
        assertThat(after.events).hasSize(9).containsExactlyElementsOf(before.events);
        assertThat(after.events).filteredOn(e -> e instanceof AppendEvent.Succeeded)
                .extracting(e -> ((AppendEvent.Succeeded) e).idempotencyKey())
                .containsExactly("call_1", "call_2", "call_3");
    }

    @Test
    void aCompositeOfNoneIsNoneAndRefusesANullListener() {
        assertThat(AppendListener.composite()).isSameAs(AppendListener.NONE);
        assertThatThrownBy(() -> AppendListener.composite(new Recorder(), null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> ArtifactStore.builder(PG.dataSource()).listener(null))
                .isInstanceOf(NullPointerException.class).hasMessage("listener");
    }
}
