package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.strategy.WriteStrategy;
import dev.gapless.testkit.PostgresExtension;
import dev.gapless.text.JGitTextMerger;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The store with gapless-text's merger, for every strategy that keeps the invariants: a put from an older view
 * merges with the changes made since and says which versions (and calls) it merged with, keeps CRLF and a missing
 * final newline, and is refused with both sides of each conflicting region, or when the file is over the merge size
 * limit; nothing written on a refusal.
 */
class MergeAppendTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(8);

    private static final String EIGHT = "void f0() {}\nvoid f1() {}\nvoid f2() {}\nvoid f3() {}\nvoid f4() {}\n"
            + "void f5() {}\nvoid f6() {}\nvoid f7() {}\n";

    private static ArtifactStore store(String strategy) {
        return ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.named(strategy))
                .merger(new JGitTextMerger()).maxFileBytes(4 << 20).build();
    }

    private static UUID artifact(ArtifactStore store, String content) {
        UUID id = store.getOrCreate("chat-" + UUID.randomUUID(), "code", "merge").id();
        store.append(id, Change.put(new CodeFile("main.c", "c", content, "")));
        return id;
    }

    private static String head(ArtifactStore store, UUID id) {
        return store.file(id, "main.c").orElseThrow().file().content();
    }

    /**
     * Regression (found by the chaos checker in TimeoutChaosTest): when the deadline passed while server-function
     * read what to merge, the rejection was left to the function, which does not merge: it wrote the put as sent,
     * reported success, and the change made since the base was gone. Every strategy must either merge or write
     * nothing.
     */
    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void aDeadlineThatPassesWhileTheMergeIsReadWritesNothingOrTheMerge(String strategy) {
        ManualClock clock = new ManualClock();
        java.util.concurrent.atomic.AtomicBoolean armed = new java.util.concurrent.atomic.AtomicBoolean();
        javax.sql.DataSource ticking = tickingOnHistoryReads(PG.dataSource(), armed, clock);
        ArtifactStore store = ArtifactStore.builder(ticking).strategy(WriteStrategy.named(strategy))
                .merger(new JGitTextMerger()).clock(clock).build();
        UUID id = artifact(store, EIGHT);
        store.append(id, Change.edit("main.c", "void f5() {}", "void f5() { five(); }"));
        String before = head(store, id);
        armed.set(true);
        Change based = Change.put(new CodeFile("main.c", "c", EIGHT.replace("void f1() {}", "void f1() { one(); }"),
                ""), 1);
        try {
            AppendResult r = store.append(id, based, AppendOptions.defaults().withTimeout(
                    java.time.Duration.ofSeconds(10)));
            assertThat(head(store, id)).as("reported as version %d", r.version()).contains("five()")
                    .contains("one()");
        } catch (AppendTimeoutException e) {
            assertThat(head(store, id)).isEqualTo(before);
            assertThat(store.find(id).orElseThrow().headVersion()).isEqualTo(2);
        }
        assertThat(armed).as("the history was read").isFalse();
    }

    /**
     * A merged file over the size limit is refused for every strategy, though the put as sent is under it:
     * server-function used to leave that rejection to its function, which decides on the put as sent.
     */
    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void aMergeThatWouldMakeTheFileTooLargeIsRefusedAndWritesNothing(String strategy) {
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).strategy(WriteStrategy.named(strategy))
                .merger(new JGitTextMerger()).maxFileBytes(200).build();
        UUID id = artifact(store, EIGHT);
        String grown = "void f5() { " + "x();".repeat(15) + " }";
        store.append(id, Change.edit("main.c", "void f5() {}", grown));
        String before = head(store, id);
        String sent = EIGHT.replace("void f1() {}", "void f1() { " + "y();".repeat(15) + " }");
        assertThat(sent.length()).isLessThan(200);
        assertThat(before.length() + sent.length() - EIGHT.length()).isGreaterThan(200);
        assertThatThrownBy(() -> store.append(id, Change.put(new CodeFile("main.c", "c", sent, ""), 1)))
                .isInstanceOfSatisfying(InvalidChangeException.class,
                        e -> assertThat(e.reason()).isEqualTo(InvalidChangeException.Reason.CONTENT_TOO_LARGE));
        assertThat(head(store, id)).isEqualTo(before);
        assertThat(store.find(id).orElseThrow().headVersion()).isEqualTo(2);
    }

    /** Moves {@code clock} an hour on when, once armed, a connection prepares the read of a file's history. */
    private static javax.sql.DataSource tickingOnHistoryReads(javax.sql.DataSource ds,
                                                              java.util.concurrent.atomic.AtomicBoolean armed,
                                                              ManualClock clock) {
        return (javax.sql.DataSource) java.lang.reflect.Proxy.newProxyInstance(MergeAppendTest.class.getClassLoader(),
                new Class<?>[] {javax.sql.DataSource.class}, (proxy, method, args) -> {
                    Object out = invoke(ds, method, args);
                    if (!(out instanceof java.sql.Connection c)) {
                        return out;
                    }
                    return java.lang.reflect.Proxy.newProxyInstance(MergeAppendTest.class.getClassLoader(),
                            new Class<?>[] {java.sql.Connection.class}, (p, m, a) -> {
                                if (m.getName().equals("prepareStatement") && a != null && a[0] instanceof String sql
                                        && sql.contains("change_json::text, change_summary")
                                        && armed.compareAndSet(true, false)) {
                                    clock.advance(java.time.Duration.ofHours(1));
                                }
                                return invoke(c, m, a);
                            });
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void aWholeFileWriteFromAnOlderViewMergesAndSaysWithWhom(String strategy) {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store, EIGHT);
        store.append(id, Change.edit("main.c", "void f5() {}", "void f5() { five(); }"),
                AppendOptions.defaults().withIdempotencyKey("call_x"));
        AppendResult r = store.append(id, Change.put(new CodeFile("main.c", "c",
                EIGHT.replace("void f1() {}", "void f1() { one(); }"), ""), 1));
        assertThat(r.version()).isEqualTo(3);
        assertThat(r.merges()).containsExactly(new FileMerge("main.c", 1, 2,
                List.of(new MergedRegion(6, 6, 2, "call_x"))));
        assertThat(head(store, id)).isEqualTo(EIGHT.replace("void f1() {}", "void f1() { one(); }")
                .replace("void f5() {}", "void f5() { five(); }"));
        Invariants.check(PG.dataSource(), store, id, new JGitTextMerger());
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void overlappingChangesAreRefusedWithBothSidesAndNothingIsWritten(String strategy) {
        ArtifactStore store = store(strategy);
        UUID id = artifact(store, EIGHT);
        store.append(id, Change.put(new CodeFile("main.c", "c", EIGHT.replace("void f4() {}", "int f4;"), ""), 1));
        assertThatThrownBy(() -> store.append(id, Change.put(new CodeFile("main.c", "c",
                EIGHT.replace("void f4() {}", "long f4;"), ""), 1)))
                .isInstanceOfSatisfying(MergeConflictException.class, e -> {
                    assertThat(e.outcome()).isEqualTo(Outcome.NOT_APPLIED);
                    assertThat(e.conflicts()).containsExactly(new ConflictRegion(5, 5, List.of("void f4() {}"),
                            List.of("long f4;"), List.of("int f4;")));
                })
                .hasMessage("'main.c' was written from version 1 but changed by version 2, and 1 region conflicts;"
                        + " nothing was written");
        assertThat(store.find(id).orElseThrow().headVersion()).isEqualTo(2);
        assertThat(head(store, id)).isEqualTo(EIGHT.replace("void f4() {}", "int f4;"));
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void crlfAndAMissingFinalNewlineSurviveTheMerge(String strategy) {
        ArtifactStore store = store(strategy);
        String base = "a\r\nb\r\nc\r\nd\r\ne";
        UUID id = artifact(store, base);
        store.append(id, Change.put(new CodeFile("main.c", "c", "a\r\nb\r\nc\r\nd\r\nE", ""), 1));
        AppendResult r = store.append(id, Change.put(new CodeFile("main.c", "c", "A\r\nb\r\nc\r\nd\r\ne", ""), 1));
        assertThat(r.merged()).isTrue();
        assertThat(head(store, id)).isEqualTo("A\r\nb\r\nc\r\nd\r\nE");
    }

    @ParameterizedTest
    @MethodSource("dev.gapless.core.StrategyPropertiesTest#safeStrategies")
    void aFileOverTheMergeSizeLimitIsRefusedSayingSo(String strategy) {
        ArtifactStore store = store(strategy);
        String big = "x".repeat(1 << 20) + "\nend\n";
        UUID id = artifact(store, big);
        store.append(id, Change.put(new CodeFile("main.c", "c", big.replace("end", "END"), ""), 1));
        assertThatThrownBy(() -> store.append(id, Change.put(new CodeFile("main.c", "c", "y" + big, ""), 1)))
                .isInstanceOf(MergeConflictException.class)
                .hasMessageContaining("cannot be merged: it is over the merge size limit of 1048576 bytes");
        assertThat(store.find(id).orElseThrow().headVersion()).isEqualTo(2);
    }
}
