package dev.gapless.executor.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FairSchedulerTest {

    /** Holds the only worker until released, so that the order of everything queued behind it is decided. */
    private static CountDownLatch occupy(FairScheduler scheduler) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        scheduler.submit("blocker", () -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    @Test
    void aBurstOfOneChatDoesNotMakeTheChatsBehindItWait() throws Exception {
        try (FairScheduler scheduler = new FairScheduler(1, "test")) {
            CountDownLatch release = occupy(scheduler);
            List<String> ran = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(64 + 100);
            for (int i = 0; i < 64; i++) {
                String name = "burst-" + i;
                scheduler.submit("burst", () -> { ran.add(name); done.countDown(); });
            }
            for (int c = 0; c < 100; c++) {
                String name = "small-" + c;
                scheduler.submit("small-" + c, () -> { ran.add(name); done.countDown(); });
            }
            assertThat(scheduler.queued()).isEqualTo(164);
            assertThat(scheduler.queued("burst")).isEqualTo(64);
            assertThat(scheduler.waitingChats()).isEqualTo(101);

            release.countDown();
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();

            // round-robin: one call of the burst, then every small chat, then the rest of the burst; first-in
            // first-out would have run all 64 of the burst before the first small chat
            assertThat(ran.subList(0, 101)).startsWith("burst-0").contains("small-0", "small-99");
            assertThat(ran.subList(1, 101)).allMatch(name -> name.startsWith("small-"));
            assertThat(ran.subList(101, 164)).allMatch(name -> name.startsWith("burst-"));
            assertThat(scheduler.queued()).isZero();
            assertThat(scheduler.waitingChats()).isZero();
        }
    }

    @Test
    void aChatKeepsTheOrderOfItsOwnTasks() throws Exception {
        try (FairScheduler scheduler = new FairScheduler(1, "test")) {
            CountDownLatch release = occupy(scheduler);
            List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(20);
            for (int i = 0; i < 10; i++) {
                int n = i;
                scheduler.submit("a", () -> { ran.add(n); done.countDown(); });
                scheduler.submit("b", () -> { ran.add(100 + n); done.countDown(); });
            }
            release.countDown();
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(ran.stream().filter(n -> n < 100)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            assertThat(ran).startsWith(0, 100, 1, 101, 2, 102);
        }
    }

    @Test
    void closingRunsWhatWasQueuedAndRefusesMore() throws Exception {
        FairScheduler scheduler = new FairScheduler(2, "test");
        CountDownLatch release = occupy(scheduler);
        CountDownLatch done = new CountDownLatch(5);
        for (int i = 0; i < 5; i++) {
            scheduler.submit("c", done::countDown);
        }
        scheduler.close();
        release.countDown();
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> scheduler.submit("c", () -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aTaskThatThrowsDoesNotStopItsWorker() throws Exception {
        try (FairScheduler scheduler = new FairScheduler(1, "test")) {
            CountDownLatch after = new CountDownLatch(1);
            scheduler.submit("c", () -> {
                throw new IllegalStateException("boom");
            });
            scheduler.submit("c", after::countDown);
            assertThat(after.await(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void atLeastOneThreadIsNeeded() {
        assertThatThrownBy(() -> new FairScheduler(0, "test")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threads must be >= 1, was 0");
    }
}
