package dev.gapless.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.testkit.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

class ChangeFeedTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply).withPoolSize(40);

    private static Artifact artifact(ArtifactStore store) {
        return store.getOrCreate("feed-" + UUID.randomUUID(), "code", "feed");
    }

    private static void append(ArtifactStore store, UUID id, int count) {
        for (int i = 0; i < count; i++) {
            store.append(id, Change.put(CodeFile.of("f" + UUID.randomUUID() + ".txt", "x")));
        }
    }

    private static List<Integer> range(int fromInclusive, int toInclusive) {
        return IntStream.rangeClosed(fromInclusive, toInclusive).boxed().toList();
    }

    @Test
    void deliversEveryVersionAfterTheStartOnceInOrderThenLive() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        Artifact a = artifact(store);
        append(store, a.id(), 5);
        FeedRecorder r = new FeedRecorder(Long.MAX_VALUE);
        store.feed().artifact(a.id(), 2).subscribe(r);
        r.awaitCount(3);
        append(store, a.id(), 2);
        r.awaitCount(5);
        r.cancel();
        assertThat(r.versions(a.id())).isEqualTo(range(3, 7));
        FeedEvent first = r.events().get(0);
        assertThat(first.chatId()).isEqualTo(a.chatId());
        assertThat(first.type()).isEqualTo("code");
        assertThat(first.summary()).startsWith("Added f");
        assertThat(first.fileCount()).isEqualTo(3);
        assertThat(first.createdAt()).isNotNull();
        assertThat(r.overlapped()).isFalse();
    }

    @Test
    void aSubscriberThatComesBackResumesFromTheLastVersionItSaw() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        Artifact a = artifact(store);
        append(store, a.id(), 3);
        List<Integer> seen = new ArrayList<>();
        try (FeedSubscription s = store.feed().subscribe(a.id(), 0, e -> {
            synchronized (seen) {
                seen.add(e.version());
            }
        })) {
            awaitSize(seen, 3);
            assertThat(s.isOpen()).isTrue();
        }
        append(store, a.id(), 2);
        FeedRecorder again = new FeedRecorder(Long.MAX_VALUE);
        store.feed().artifact(a.id(), seen.get(seen.size() - 1)).subscribe(again);
        again.awaitCount(2);
        again.cancel();
        assertThat(seen).isEqualTo(range(1, 3));
        assertThat(again.versions(a.id())).isEqualTo(range(4, 5));
    }

    @Test
    void withListenTurnedOffThePollAloneDelivers() throws Exception {
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).feedListen(false)
                .feedPollInterval(Duration.ofMillis(50)).build();
        Artifact a = artifact(store);
        FeedRecorder r = new FeedRecorder(Long.MAX_VALUE);
        store.feed().artifact(a.id(), 0).subscribe(r);
        append(store, a.id(), 3);
        r.awaitCount(3);
        assertThat(store.feed().listening()).isFalse();
        assertThat(listeners(a)).isZero();
        r.cancel();
        assertThat(r.versions(a.id())).isEqualTo(range(1, 3));
    }

    @Test
    void eachStatementThatInsertsVersionsNotifiesOnceWithItsArtifactsAndTheirHighestVersions() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        Artifact a = artifact(store);
        Artifact b = artifact(store);
        try (Connection c = PG.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("LISTEN gapless_feed");
            append(store, a.id(), 1);
            // the channel is the database's: an earlier test's late write may notify too, so only a's and b's count
            PGNotification[] notes = awaitOurs(c.unwrap(PGConnection.class), a, b);
            assertThat(notes).extracting(PGNotification::getParameter).containsExactly(a.id() + ":1");
            // one statement, three versions of two artifacts: one notification
            s.execute("INSERT INTO artifact_versions (artifact_id, version_number, change_json, change_summary,"
                    + " file_count) VALUES " + row(a, 2) + ", " + row(a, 3) + ", " + row(b, 1));
            String[] expected = {a.id() + ":3", b.id() + ":1"};
            java.util.Arrays.sort(expected);
            notes = ours(c.unwrap(PGConnection.class).getNotifications(), a, b); // own commits arrive at once
            assertThat(notes).extracting(PGNotification::getParameter).containsExactly(String.join(",", expected));
            s.execute("SET gapless.feed_notify = off");
            s.execute("INSERT INTO artifact_versions (artifact_id, version_number, change_json, change_summary,"
                    + " file_count) VALUES " + row(b, 2));
            assertThat(ours(c.unwrap(PGConnection.class).getNotifications(), a, b)).isEmpty();
            s.execute("UNLISTEN *");
            s.execute("RESET gapless.feed_notify");
        }
    }

    private static String row(Artifact a, int version) {
        return "('" + a.id() + "', " + version + ", '{\"op\":\"batch\",\"changes\":[]}', 'by hand', 0)";
    }

    @Test
    void aSlowSubscriberGetsOnlyWhatItAsksForSkipsNothingAndNeverHoldsWritersUp() throws Exception {
        ArtifactStore store = ArtifactStore.builder(PG.dataSource()).feedBufferSize(4).build();
        Artifact a = artifact(store);
        FeedRecorder r = new FeedRecorder(0);
        store.feed().artifact(a.id(), 0).subscribe(r);
        append(store, a.id(), 40); // all return while the subscriber has asked for nothing
        assertThat(r.events()).isEmpty();
        r.request(3);
        r.awaitCount(3);
        assertThat(r.versions(a.id())).isEqualTo(range(1, 3));
        for (int asked = 3; asked < 40; asked += 7) {
            r.request(7);
        }
        r.awaitCount(40);
        r.request(10);
        append(store, a.id(), 2);
        r.awaitCount(42);
        r.cancel();
        assertThat(r.versions(a.id())).isEqualTo(range(1, 42));
    }

    @Test
    void aChatFeedFollowsEveryArtifactOfTheChatAndNoOther() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        String chat = "feed-chat-" + UUID.randomUUID();
        Artifact code = store.getOrCreate(chat, "code", "c");
        Artifact other = artifact(store);
        append(store, code.id(), 2);
        FeedRecorder r = new FeedRecorder(5);
        store.feed().chat(chat, FeedPosition.start()).subscribe(r);
        Artifact notes = store.getOrCreate(chat, "notes", "n");
        append(store, notes.id(), 3);
        append(store, other.id(), 2);
        append(store, code.id(), 1);
        r.awaitCount(6);
        FeedPosition position = FeedPosition.start();
        for (FeedEvent e : r.events()) {
            position = position.after(e);
        }
        r.cancel();
        assertThat(r.versions(code.id())).isEqualTo(range(1, 3));
        assertThat(r.versions(notes.id())).isEqualTo(range(1, 3));
        assertThat(r.versions(other.id())).isEmpty();
        assertThat(r.events()).extracting(FeedEvent::chatId).containsOnly(chat);

        append(store, notes.id(), 1);
        FeedPosition resumed = FeedPosition.parse(position.encode());
        assertThat(resumed).isEqualTo(position);
        FeedRecorder again = new FeedRecorder(Long.MAX_VALUE);
        store.feed().chat(chat, resumed).subscribe(again);
        again.awaitCount(1);
        again.cancel();
        assertThat(again.events()).extracting(FeedEvent::artifactId, FeedEvent::version)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(notes.id(), 4));
        assertThat(store.feed().position(chat).versions()).containsEntry(code.id(), 3).containsEntry(notes.id(), 4)
                .hasSize(2);
    }

    @Test
    void anUnknownArtifactEndsTheSubscriptionWithArtifactNotFound() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        FeedRecorder r = new FeedRecorder(1);
        UUID missing = UUID.randomUUID();
        store.feed().artifact(missing, 0).subscribe(r);
        r.await(e -> false);
        assertThat(r.error()).isInstanceOf(ArtifactNotFoundException.class).hasMessageContaining(missing.toString());
        assertThat(store.feed().subscriptions()).isZero();
    }

    @Test
    void badArgumentsAreRefusedWithTheirReason() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        assertThatThrownBy(() -> store.feed().artifact(UUID.randomUUID(), -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("afterVersion must be 0 or more, was -1");
        assertThatThrownBy(() -> FeedPosition.parse("not-a-uuid:3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"not-a-uuid:3\"");
        assertThatThrownBy(() -> FeedPosition.parse(UUID.randomUUID() + ":0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a feed position");
        assertThatThrownBy(() -> ArtifactStore.builder(PG.dataSource()).feedPollInterval(Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 10 ms and 1 h");
        assertThatThrownBy(() -> ArtifactStore.builder(PG.dataSource()).feedBufferSize(0))
                .isInstanceOf(IllegalArgumentException.class);
        FeedRecorder r = new FeedRecorder(0);
        Artifact a = artifact(store);
        store.feed().artifact(a.id(), 0).subscribe(r);
        r.request(0);
        assertThat(awaitError(r)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n > 0");
    }

    @Test
    void manySubscriptionsShareOneListeningConnectionWhichClosesWithTheLast() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        Artifact a = artifact(store);
        List<FeedRecorder> recorders = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            FeedRecorder r = new FeedRecorder(Long.MAX_VALUE);
            store.feed().artifact(a.id(), 0).subscribe(r);
            recorders.add(r);
        }
        append(store, a.id(), 2);
        for (FeedRecorder r : recorders) {
            r.awaitCount(2);
            assertThat(r.versions(a.id())).isEqualTo(range(1, 2));
        }
        awaitListening(store);
        assertThat(listeners(a)).isEqualTo(1);
        recorders.forEach(FeedRecorder::cancel);
        assertThat(store.feed().subscriptions()).isZero();
        for (int i = 0; i < 300 && listeners(a) > 0; i++) {
            Thread.sleep(20);
        }
        assertThat(listeners(a)).isZero();
    }

    @Test
    void aTerminatedListeningConnectionIsReplacedAndNothingWrittenMeanwhileIsMissed() throws Exception {
        ArtifactStore store = ArtifactStore.create(PG.dataSource());
        Artifact a = artifact(store);
        FeedRecorder r = new FeedRecorder(Long.MAX_VALUE);
        store.feed().artifact(a.id(), 0).subscribe(r);
        append(store, a.id(), 1);
        r.awaitCount(1);
        awaitListening(store);
        int before = listenerPid();
        try (Connection c = PG.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(" + before + ")");
        }
        append(store, a.id(), 3);
        r.awaitCount(4);
        for (int i = 0; i < 300 && (listenerPid() == before || listenerPid() == 0); i++) {
            Thread.sleep(20);
        }
        int after = listenerPid();
        append(store, a.id(), 1);
        r.awaitCount(5);
        r.cancel();
        assertThat(after).isNotZero().isNotEqualTo(before);
        assertThat(r.versions(a.id())).isEqualTo(range(1, 5));
    }

    private static void awaitListening(ArtifactStore store) throws InterruptedException {
        for (int i = 0; i < 300 && !store.feed().listening(); i++) {
            Thread.sleep(20);
        }
        assertThat(store.feed().listening()).isTrue();
    }

    private static Throwable awaitError(FeedRecorder r) throws InterruptedException {
        r.await(e -> false);
        return r.error();
    }

    private static void awaitSize(List<Integer> list, int size) throws InterruptedException {
        for (int i = 0; i < 1500; i++) {
            synchronized (list) {
                if (list.size() >= size) {
                    return;
                }
            }
            Thread.sleep(20);
        }
    }

    /** The first notifications that name {@code a} or {@code b}, waiting up to 10 s for one. */
    private static PGNotification[] awaitOurs(PGConnection pg, Artifact a, Artifact b) throws Exception {
        for (int tries = 0; tries < 10; tries++) {
            PGNotification[] notes = ours(pg.getNotifications(1_000), a, b);
            if (notes.length > 0) {
                return notes;
            }
        }
        return new PGNotification[0];
    }

    /** The notifications that name {@code a} or {@code b}. */
    private static PGNotification[] ours(PGNotification[] notes, Artifact a, Artifact b) {
        if (notes == null) {
            return new PGNotification[0];
        }
        String x = a.id().toString();
        String y = b.id().toString();
        return java.util.Arrays.stream(notes).filter(n -> n.getParameter().contains(x) || n.getParameter().contains(y))
                .toArray(PGNotification[]::new);
    }

    /** Listening connections in this test's database (the shared server holds other classes' databases too). */
    private static int listeners(Artifact unused) throws Exception {
        return queryInt("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'gapless-feed'"
                + " AND datname = current_database()");
    }

    private static int listenerPid() throws Exception {
        return queryInt("SELECT coalesce(max(pid), 0) FROM pg_stat_activity WHERE application_name = 'gapless-feed'"
                + " AND datname = current_database()");
    }

    private static int queryInt(String sql) throws Exception {
        try (Connection c = PG.dataSource().getConnection(); Statement s = c.createStatement();
             ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
