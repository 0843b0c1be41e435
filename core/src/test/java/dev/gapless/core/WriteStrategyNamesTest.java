package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.strategy.WriteStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 19: the two lossy baselines are had only by asking for them by name; every wrong name says what is right. */
class WriteStrategyNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"naive", "seed-retry", "NAIVE", "Seed-Retry"})
    void aLossyBaselineByThePlainNameFailsSayingHowToOptIn(String name) {
        String canonical = name.toLowerCase(java.util.Locale.ROOT);
        assertThatThrownBy(() -> WriteStrategy.named(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("write strategy '" + name + "' is a lossy baseline: it loses concurrent appends on"
                        + " purpose and is for comparison only; opt in to it explicitly with"
                        + " WriteStrategy.lossyBaseline(\"" + canonical + "\"), or pick one of [retry, optimistic,"
                        + " row-lock, advisory-lock, serializable, server-function, group-commit]");
    }

    @Test
    void aLossyBaselineIsHadByItsExplicitNameWithItsOptions() {
        WriteStrategy naive = WriteStrategy.lossyBaseline("naive");
        WriteStrategy seed = WriteStrategy.lossyBaseline("SEED-RETRY");

        assertThat(naive.name()).isEqualTo("naive");
        assertThat(naive.retryPolicy().maxAttempts()).isEqualTo(1);
        assertThat(seed.name()).isEqualTo("seed-retry");
        assertThat(seed.retryPolicy().maxAttempts()).isEqualTo(4);
        assertThat(seed.retryPolicy().jitter()).isEqualTo(RetryPolicy.Jitter.NONE);
        assertThat(WriteStrategy.lossyBaselineNames()).containsExactly("naive", "seed-retry");
        assertThat(naive.withRetryPolicy(RetryPolicy.ofDefaults()).name()).as("a new policy keeps the kind")
                .isEqualTo("naive");
    }

    @Test
    void aRealStrategyIsNotALossyBaseline() {
        assertThatThrownBy(() -> WriteStrategy.lossyBaseline("row-lock"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'row-lock' is not a lossy baseline; the lossy baselines: [naive, seed-retry] (for"
                        + " 'row-lock' use WriteStrategy.named)");
    }

    @Test
    void anUnknownNameIsNeitherAndEachMessageListsWhatIsKnown() {
        assertThatThrownBy(() -> WriteStrategy.named("fastest"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown write strategy 'fastest'; known: [retry, optimistic, row-lock, advisory-lock,"
                        + " serializable, server-function, group-commit] (and, for comparison only, the lossy"
                        + " baselines [naive, seed-retry] by WriteStrategy.lossyBaseline)");
        assertThatThrownBy(() -> WriteStrategy.lossyBaseline("fastest"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'fastest' is not a lossy baseline; the lossy baselines: [naive, seed-retry]");
        assertThatThrownBy(() -> WriteStrategy.named("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown write strategy ''");
    }

    @Test
    void aNullNameIsRefused() {
        assertThatThrownBy(() -> WriteStrategy.named(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> WriteStrategy.lossyBaseline(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void everyRealStrategyIsHadByItsNameAndKeepsItThroughANewPolicy() {
        for (String name : WriteStrategy.names()) {
            WriteStrategy strategy = WriteStrategy.named(name);
            assertThat(strategy.name()).isEqualTo(name);
            assertThat(strategy.withRetryPolicy(RetryPolicy.none()).name()).isEqualTo(name);
            assertThat(strategy.withRetryPolicy(RetryPolicy.none()).retryPolicy().maxAttempts()).isEqualTo(1);
        }
        assertThat(WriteStrategy.groupCommit(8).toString()).startsWith("group-commit(maxBatch=8, RetryPolicy[");
        assertThatThrownBy(() -> WriteStrategy.groupCommit(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxBatch must be >= 1, was 0");
    }
}
