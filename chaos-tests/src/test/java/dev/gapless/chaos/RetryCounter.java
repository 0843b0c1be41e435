package dev.gapless.chaos;

import dev.gapless.core.AppendEvent;
import dev.gapless.core.AppendListener;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the retries a store schedules by itself, by the failure that caused them. Thread-safe. */
final class RetryCounter implements AppendListener {

    private final Map<String, AtomicInteger> byCause = new ConcurrentHashMap<>();

    @Override
    public void onRetryScheduled(AppendEvent.RetryScheduled event) {
        byCause.computeIfAbsent(Outcome.errorClass(event.failure()), k -> new AtomicInteger()).incrementAndGet();
    }

    Map<String, Integer> snapshot() {
        Map<String, Integer> out = new TreeMap<>();
        byCause.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }
}
