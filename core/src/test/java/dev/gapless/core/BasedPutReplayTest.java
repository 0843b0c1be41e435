package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresExtension;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A keyed whole-file put replayed with another base is the same call: the base says what the writer had seen (a tool
 * executor derives it from the model's view, which the first execution moved), not what it asked for.
 */
class BasedPutReplayTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    static Stream<String> safeStrategies() {
        return WriteStrategy.names().stream(); // the real strategies: the lossy baselines are not listed
    }

    @ParameterizedTest
    @MethodSource("safeStrategies")
    void aReplayWithAnotherBaseIsDeduplicatedAndAnotherContentUnderTheKeyIsRefused(String strategy) {
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(Strategies.of(strategy)).build();
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "t").id();
        store.append(id, Change.put(CodeFile.of("a.txt", "one\n")));
        AppendOptions key = AppendOptions.defaults().withIdempotencyKey("call_put");
        AppendResult first = store.append(id, Change.put(CodeFile.of("a.txt", "two\n"), 1), key);
        AppendResult replay = store.append(id, Change.put(CodeFile.of("a.txt", "two\n"), 2), key);
        assertThat(replay.deduplicated()).isTrue();
        assertThat(replay.version()).isEqualTo(first.version()).isEqualTo(2);
        assertThatThrownBy(() -> store.append(id, Change.put(CodeFile.of("a.txt", "three\n"), 2), key))
                .isInstanceOf(IdempotencyKeyReusedException.class);
        assertThat(store.history(id)).hasSize(2);
    }
}
