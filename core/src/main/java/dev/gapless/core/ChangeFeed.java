package dev.gapless.core;

import dev.gapless.core.internal.FeedHub;
import dev.gapless.core.internal.FeedScope;
import dev.gapless.core.internal.Writer;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * Follows versions as they are written: every version after a given one, each exactly once and in order, then new
 * ones as they commit. Obtained from {@link ArtifactStore#feed()}.
 *
 * <pre>{@code
 * FeedSubscription s = store.feed().subscribe(artifactId, lastSeenVersion, event ->
 *         show(event.version(), event.summary()));
 * ...
 * s.close();
 * }</pre>
 *
 * <p>Versions are read from the database, never passed in memory: a subscriber that comes back with the last version
 * it saw resumes exactly there. Gapless numbers each artifact's versions 1, 2, 3, ... with no gap, and a version is
 * visible only after the one before it, so "the versions after n" is all the state a subscriber needs.
 *
 * <p>Wake-ups: while any subscription is open, the store holds one connection that {@code LISTEN}s (named
 * {@code gapless-feed} in {@code pg_stat_activity}); each statement that inserts versions notifies it on commit
 * (migration V12). Notifications are only a hint: every subscription also reads on a timer
 * ({@link ArtifactStore.Builder#feedPollInterval}), because a notification is lost while the listener reconnects and
 * does not pass PgBouncer in transaction mode; {@link ArtifactStore.Builder#feedListen(boolean)} turns LISTEN off.
 *
 * <p>Back-pressure: events are read only when the subscriber has asked for them ({@link Flow.Subscription#request}),
 * at most {@link ArtifactStore.Builder#feedBufferSize} at a time. A slow subscriber holds a bounded buffer, skips
 * nothing, and never slows writers; the feed's reads take at most two pooled connections at once. A subscriber is
 * called on the feed's threads, one call at a time per subscription. A database outage is waited out: reads are
 * retried on each poll, and subscriptions go on where they were.
 *
 * <p>Thread-safety: safe to use from any thread.
 */
public final class ChangeFeed {

    private final FeedHub hub;
    private final ArtifactStore store;

    ChangeFeed(FeedHub hub, ArtifactStore store) {
        this.hub = hub;
        this.store = store;
    }

    /**
     * A publisher of one artifact's versions after {@code afterVersion}: each subscriber gets them from there, then
     * live. Signals {@code onError} with {@link ArtifactNotFoundException} if the artifact does not exist (or is
     * deleted); never {@code onComplete}.
     *
     * @param artifactId   the artifact
     * @param afterVersion the last version already seen, 0 for all
     * @return the publisher (cold: each subscriber reads on its own)
     * @throws IllegalArgumentException if {@code afterVersion} is negative
     */
    public Flow.Publisher<FeedEvent> artifact(UUID artifactId, int afterVersion) {
        Objects.requireNonNull(artifactId, "artifactId");
        if (afterVersion < 0) {
            throw new IllegalArgumentException("afterVersion must be 0 or more, was " + afterVersion);
        }
        Map<UUID, Integer> start = afterVersion == 0 ? Map.of() : Map.of(artifactId, afterVersion);
        return s -> hub.subscribe(FeedScope.artifact(artifactId), start, Objects.requireNonNull(s, "subscriber"));
    }

    /**
     * A publisher of the versions of every artifact of one chat after {@code after}, including artifacts created
     * later: in order per artifact; across artifacts in the order the feed read them, which is not commit order.
     * Keep the position with {@link FeedPosition#after(FeedEvent)} to resume.
     *
     * @param chatId the chat
     * @param after  where to start ({@link FeedPosition#start()}: every version; {@link #position(String)}: now)
     * @return the publisher
     */
    public Flow.Publisher<FeedEvent> chat(String chatId, FeedPosition after) {
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(after, "after");
        return s -> hub.subscribe(FeedScope.chat(chatId), after.versions(), Objects.requireNonNull(s, "subscriber"));
    }

    /**
     * A publisher of the versions of every artifact after {@code after}, as {@link #chat} for all chats. Each read
     * lists every artifact's head, so it costs what the number of artifacts costs; for a backend's own projections.
     *
     * @param after where to start
     * @return the publisher
     */
    public Flow.Publisher<FeedEvent> all(FeedPosition after) {
        Objects.requireNonNull(after, "after");
        return s -> hub.subscribe(FeedScope.all(), after.versions(), Objects.requireNonNull(s, "subscriber"));
    }

    /**
     * Calls {@code onEvent} with each version of one artifact after {@code afterVersion}, then live, until closed.
     *
     * @param artifactId   the artifact
     * @param afterVersion the last version already seen, 0 for all
     * @param onEvent      called on the feed's threads, one call at a time; should return quickly (while it runs,
     *                     this subscription reads nothing, and other subscriptions are not held up)
     * @return the subscription, to close
     * @throws IllegalArgumentException if {@code afterVersion} is negative
     */
    public FeedSubscription subscribe(UUID artifactId, int afterVersion, Consumer<? super FeedEvent> onEvent) {
        return FeedSubscription.attach(artifact(artifactId, afterVersion), onEvent);
    }

    /**
     * Calls {@code onEvent} with each version of one chat's artifacts after {@code after}, as {@link #chat}.
     *
     * @param chatId  the chat
     * @param after   where to start
     * @param onEvent called on the feed's threads, one call at a time
     * @return the subscription, to close
     */
    public FeedSubscription subscribeChat(String chatId, FeedPosition after, Consumer<? super FeedEvent> onEvent) {
        return FeedSubscription.attach(chat(chatId, after), onEvent);
    }

    /**
     * Calls {@code onEvent} with each version of every artifact after {@code after}, as {@link #all}.
     *
     * @param after   where to start
     * @param onEvent called on the feed's threads, one call at a time
     * @return the subscription, to close
     */
    public FeedSubscription subscribeAll(FeedPosition after, Consumer<? super FeedEvent> onEvent) {
        return FeedSubscription.attach(all(after), onEvent);
    }

    /**
     * Where one chat stands now: each of its artifacts at its head.
     *
     * @param chatId the chat
     * @return the position
     * @throws StorageException if the database fails
     */
    public FeedPosition position(String chatId) {
        Objects.requireNonNull(chatId, "chatId");
        return heads(chatId);
    }

    /**
     * Where every artifact stands now.
     *
     * @return the position
     * @throws StorageException if the database fails
     */
    public FeedPosition position() {
        return heads(null);
    }

    private FeedPosition heads(String chatId) {
        try {
            return new FeedPosition(hub.heads(chatId));
        } catch (SQLException e) {
            throw Writer.readFailure(e);
        }
    }

    /**
     * How many subscriptions are open.
     *
     * @return the count
     */
    public int subscriptions() {
        return hub.subscriptions();
    }

    /**
     * Whether the listening connection is up now (false while polling only: LISTEN turned off, no subscription, or
     * reconnecting).
     *
     * @return whether notifications can arrive
     */
    public boolean listening() {
        return hub.listening();
    }

    /**
     * The store this feed reads.
     *
     * @return the store
     */
    public ArtifactStore store() {
        return store;
    }
}
