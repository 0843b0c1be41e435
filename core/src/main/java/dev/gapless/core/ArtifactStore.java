package dev.gapless.core;

import dev.gapless.core.internal.AppendRequest;
import dev.gapless.core.internal.Artifacts;
import dev.gapless.core.internal.FeedHub;
import dev.gapless.core.internal.InputValidator;
import dev.gapless.core.internal.Lifecycle;
import dev.gapless.core.internal.Limits;
import dev.gapless.core.internal.Merges;
import dev.gapless.core.internal.PreparedChange;
import dev.gapless.core.internal.Pruner;
import dev.gapless.core.internal.Reader;
import dev.gapless.core.internal.TimeSource;
import dev.gapless.core.internal.Transactions;
import dev.gapless.core.internal.Writer;
import dev.gapless.core.spi.TextMerger;
import dev.gapless.core.strategy.WriteStrategy;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The entry point: artifacts and their append-only versions in PostgreSQL, written by many concurrent callers
 * with no lost write, no duplicate and no gap in version numbers. An append costs what its change holds, not what
 * the artifact holds: contents are stored once per distinct content, the latest version's files are kept one row
 * each, and every version stores only its change.
 *
 * <pre>{@code
 * ArtifactStore store = ArtifactStore.builder(dataSource).strategy(WriteStrategy.rowLock()).build();
 * Artifact artifact = store.getOrCreate("chat-42", "code", "Blink");
 * AppendResult r = store.append(artifact.id(), Change.put(CodeFile.of("main.cpp", "int main() {}")),
 *         AppendOptions.defaults().withIdempotencyKey(toolCallId));
 * }</pre>
 *
 * <p>Every input is validated before any I/O. Thread-safe: share one store among all callers. The schema must have
 * been applied ({@link Schema#apply}). The data source should be a pool with at least as many connections as
 * concurrent writers you expect (a writer waiting for a row lock holds its connection).
 */
public final class ArtifactStore {

    /** Default limit on one file's content: 1 MiB of UTF-8. */
    public static final int DEFAULT_MAX_FILE_BYTES = 1 << 20;
    /** Default limit on the number of files of an artifact. */
    public static final int DEFAULT_MAX_FILES = 10_000;
    /** Default limit on the total content of an artifact's latest version: 256 MiB of UTF-8. */
    public static final long DEFAULT_MAX_ARTIFACT_BYTES = 256L << 20;
    /** Default interval at which every feed subscription reads, whether or not a notification came. */
    public static final Duration DEFAULT_FEED_POLL_INTERVAL = Duration.ofSeconds(1);
    /** Default number of events the feed reads ahead for one subscriber. */
    public static final int DEFAULT_FEED_BUFFER_SIZE = 256;
    /** Default deadline of one append, including waits for the pool, locks and retries. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final WriteStrategy strategy;
    private final Limits limits;
    private final InputValidator validator;
    private final Duration defaultTimeout;
    private final TimeSource time;
    private final Writer writer;
    private final FileViews views;
    private final TextMerger merger;
    private final Retention retention;
    private final ArtifactLifecycle lifecycle;

    private static final Logger LOG = LoggerFactory.getLogger(ArtifactStore.class);
    /** The store's retention policy runs after every this many versions of an artifact. */
    static final int RETENTION_EVERY = 64;
    private final ChangeFeed feed;

    private ArtifactStore(Builder builder) {
        this.strategy = builder.strategy;
        this.limits = new Limits(builder.maxFiles, builder.maxFileBytes, builder.maxArtifactBytes);
        this.validator = new InputValidator(builder.maxFileBytes);
        this.defaultTimeout = builder.defaultTimeout;
        this.time = TimeSource.of(builder.clock);
        this.merger = builder.merger != null ? builder.merger
                : ServiceLoader.load(TextMerger.class, ArtifactStore.class.getClassLoader()).findFirst().orElse(null);
        this.writer = new Writer(strategy, builder.dataSource, limits, time, builder.sleeper,
                AppendListener.composite(builder.listeners), new Merges(merger));
        this.views = new FileViews(writer);
        this.retention = builder.retention;
        this.lifecycle = new ArtifactLifecycle(this, new Pruner(writer, time, ArtifactLifecycle.PRUNE_BATCH));
        this.feed = new ChangeFeed(new FeedHub(builder.dataSource, builder.feedListen, builder.feedPollInterval,
                builder.feedBufferSize), this);
    }

    /**
     * A store with the default strategy ({@code row-lock}) and limits.
     *
     * @param dataSource the database, with the schema applied
     * @return the store
     * @throws NullPointerException if {@code dataSource} is {@code null}
     */
    public static ArtifactStore create(DataSource dataSource) {
        return builder(dataSource).build();
    }

    /**
     * Starts configuring a store.
     *
     * @param dataSource the database, with the schema applied
     * @return a builder (not thread-safe)
     * @throws NullPointerException if {@code dataSource} is {@code null}
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /**
     * The strategy this store writes with.
     *
     * @return the strategy
     */
    public WriteStrategy strategy() {
        return strategy;
    }

    /**
     * What each reader of an artifact last saw of its files, on this store's database: the base a whole-file write
     * from that reader is made from ({@link Change#put(CodeFile, int)}).
     *
     * @return the views, thread-safe
     */
    public FileViews views() {
        return views;
    }

    /**
     * Checkout, diff, revert, paged history, delete and retention of this store's artifacts.
     *
     * @return the lifecycle operations, thread-safe
     */
    public ArtifactLifecycle lifecycle() {
        return lifecycle;
    }

    /**
     * The store's retention policy, applied as versions are written.
     *
     * @return the policy, or empty when versions are kept for ever
     */
    public Optional<Retention> retention() {
        return Optional.ofNullable(retention);
    }

    /**
     * The store's change feed: every version after a given one, then live ({@link ChangeFeed}). It starts nothing
     * until the first subscription, and holds one listening connection while any is open.
     *
     * @return the feed, the same for every call
     */
    public ChangeFeed feed() {
        return feed;
    }

    /**
     * Returns the artifact of {@code (chatId, type)}, creating it if needed. Race-free: any number of concurrent
     * callers get the same artifact.
     *
     * @param chatId the owning chat, not blank, at most 256 characters
     * @param type   the artifact type, e.g. {@code code}, not blank, at most 256 characters
     * @param title  a display title (used only when creating), at most 1,024 characters
     * @return the artifact
     * @throws InvalidChangeException if an argument is blank, too long or has a NUL character, or the chat id or
     *                                type has a control, invisible or formatting (bidirectional) character
     * @throws ConfigurationException at once, if the configuration is wrong (login, database, schema)
     * @throws StorageException       if the database fails
     */
    public Artifact getOrCreate(String chatId, String type, String title) {
        validator.validateId("chatId", chatId);
        validator.validateId("type", type);
        validator.validateField("title", title == null ? "" : title, false, InputValidator.MAX_FIELD_LENGTH);
        return read(false, c -> Artifacts.getOrCreate(c, chatId, type, title == null ? "" : title));
    }

    /**
     * Looks an artifact up by id.
     *
     * @param artifactId the id
     * @return the artifact, or empty
     * @throws ConfigurationException at once, if the configuration is wrong (login, database, schema)
     * @throws StorageException if the database fails
     */
    public Optional<Artifact> find(UUID artifactId) {
        Objects.requireNonNull(artifactId, "artifactId");
        return read(false, c -> Artifacts.find(c, artifactId));
    }

    /**
     * Looks an artifact up by chat and type.
     *
     * @param chatId the chat
     * @param type   the type
     * @return the artifact, or empty
     * @throws ConfigurationException at once, if the configuration is wrong (login, database, schema)
     * @throws StorageException if the database fails
     */
    public Optional<Artifact> find(String chatId, String type) {
        Objects.requireNonNull(chatId, "chatId");
        Objects.requireNonNull(type, "type");
        return read(false, c -> Artifacts.find(c, chatId, type));
    }

    /**
     * The artifacts of one chat, oldest first.
     *
     * @param chatId the chat
     * @return its artifacts (empty for an unknown chat)
     * @throws ConfigurationException at once, if the configuration is wrong (login, database, schema)
     * @throws StorageException       if the database fails
     */
    public List<Artifact> artifacts(String chatId) {
        Objects.requireNonNull(chatId, "chatId");
        return read(false, c -> Artifacts.of(c, chatId));
    }

    /**
     * Chat ids, the chat whose newest artifact is newest first.
     *
     * @param limit the most to return, 1 to 10,000
     * @return the chat ids
     * @throws IllegalArgumentException if {@code limit} is out of that range
     * @throws ConfigurationException   at once, if the configuration is wrong (login, database, schema)
     * @throws StorageException         if the database fails
     */
    public List<String> chats(int limit) {
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("limit must be between 1 and 10000, was " + limit);
        }
        return read(false, c -> Artifacts.chats(c, limit));
    }

    /**
     * Appends a version with default options. See {@link #append(UUID, Change, AppendOptions)}.
     *
     * @param artifactId the artifact
     * @param change     the change
     * @return the result
     * @throws GaplessException as for {@link #append(UUID, Change, AppendOptions)}
     */
    public AppendResult append(UUID artifactId, Change change) {
        return append(artifactId, change, AppendOptions.defaults());
    }

    /**
     * Appends a new version: the latest version with {@code change} applied, numbered head+1. Concurrent appends
     * to one artifact are serialized by the store's strategy; each gets its own version. The append holds in memory
     * only its own change and the rows of the files it touches, never the artifact's other contents.
     *
     * <p>Every failure says, in {@link GaplessException#outcome()}, whether anything may have been written.
     *
     * @param artifactId the artifact
     * @param change     the change
     * @param options    idempotency key, expected version, timeout
     * @return the version written (or, for a repeated idempotency key with the same change, the one written before)
     * @throws InvalidChangeException         if the change is invalid (checked before any I/O), deletes a file the
     *                                        artifact does not have, or would take the artifact past a limit
     * @throws ArtifactNotFoundException      if no artifact has that id
     * @throws VersionConflictException       if an expected version was given and the head is another
     * @throws IdempotencyKeyReusedException  if the key was used before for a different change
     * @throws WriteConflictException         if another writer won and the strategy does not retry ({@code naive})
     * @throws RetriesExhaustedException      if the strategy's retries ran out
     * @throws AppendTimeoutException         if the deadline passed
     * @throws ConnectionLostException        if the connection broke and the outcome could not be settled
     * @throws ConnectionUnavailableException if no connection could be had in time
     * @throws ConfigurationException         at once, if the configuration is wrong (login, database, schema)
     * @throws StorageException               if the database failed otherwise
     */
    public AppendResult append(UUID artifactId, Change change, AppendOptions options) {
        long start = time.nanoTime();
        Objects.requireNonNull(artifactId, "artifactId");
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(options, "options");
        change = InputValidator.normalize(change);
        validator.validate(change);
        String key = options.idempotencyKey().orElse(null);
        if (key != null) {
            validator.validateField("idempotency key", key, true, InputValidator.MAX_KEY_LENGTH);
        }
        Duration timeout = options.timeout().orElse(defaultTimeout);
        AppendRequest request = new AppendRequest(artifactId, PreparedChange.of(change), key,
                options.expectedVersion().orElse(null), timeout, time.instant().plus(timeout), start);
        AppendResult result = writer.append(request);
        if (retention != null && !result.deduplicated() && !result.unchanged() && result.version() % RETENTION_EVERY == 0) {
            applyRetention(artifactId);
        }
        return new AppendResult(result.artifactId(), result.version(), result.summary(), result.attempts(),
                time.since(start), result.deduplicated(), result.unchanged(),
                result.merges());
    }

    /**
     * Applies the store's policy after a version was written, in bounded steps. Its failure is logged, not thrown:
     * the append it follows is committed, and the next run prunes what this one did not.
     */
    private void applyRetention(UUID artifactId) {
        try {
            lifecycle.applyPolicy(artifactId, retention);
        } catch (RuntimeException e) {
            LOG.warn("retention of artifact {} failed, to be retried after a later append: {}", artifactId,
                    e.getMessage());
        }
    }

    /**
     * The latest version.
     *
     * @param artifactId the artifact
     * @return the latest version, or empty before the first append
     * @throws ArtifactNotFoundException if no artifact has that id
     * @throws ConfigurationException    at once, if the configuration is wrong (login, database, schema)
     * @throws StorageException          if the database fails
     */
    public Optional<Version> latest(UUID artifactId) {
        return version(artifactId, null);
    }

    /**
     * One version.
     *
     * @param artifactId the artifact
     * @param number     the version number, from 1
     * @return the version, or empty if there is no such version
     * @throws ArtifactNotFoundException if no artifact has that id
     * @throws VersionPrunedException    if the version was pruned ({@link ArtifactLifecycle#prune})
     * @throws IllegalArgumentException  if {@code number} is less than 1
     * @throws ConfigurationException    at once, if the configuration is wrong (login, database, schema)
     * @throws StorageException          if the database fails
     */
    public Optional<Version> version(UUID artifactId, int number) {
        if (number < 1) {
            throw new IllegalArgumentException("version numbers start at 1, was " + number);
        }
        return version(artifactId, Integer.valueOf(number));
    }

    private Optional<Version> version(UUID artifactId, Integer number) {
        Objects.requireNonNull(artifactId, "artifactId");
        return read(true, c -> {
            Lifecycle.requireKept(c, artifactId, number);
            return Reader.version(c, artifactId, number);
        });
    }

    /**
     * The files of the latest version, without their content: costs what the names cost, whatever the contents.
     *
     * @param artifactId the artifact
     * @return the version and its files (version 0 and no files before the first append)
     * @throws ArtifactNotFoundException if no artifact has that id
     * @throws ConfigurationException    at once, if the configuration is wrong (login, database, schema)
     * @throws StorageException          if the database fails
     */
    public FileListing files(UUID artifactId) {
        Objects.requireNonNull(artifactId, "artifactId");
        return read(true, c -> Reader.files(c, artifactId));
    }

    /**
     * One file of the latest version, with its content; reads that file only.
     *
     * @param artifactId the artifact
     * @param filename   the file's name (compared in Unicode NFC, as names are stored)
     * @return the file and the version it was read from, or empty when the latest version has no such file
     * @throws ArtifactNotFoundException if no artifact has that id
     * @throws ConfigurationException    at once, if the configuration is wrong (login, database, schema)
     * @throws StorageException          if the database fails
     */
    public Optional<VersionedFile> file(UUID artifactId, String filename) {
        Objects.requireNonNull(artifactId, "artifactId");
        Objects.requireNonNull(filename, "filename");
        String name = InputValidator.normalizeFilename(filename);
        return read(true, c -> Reader.file(c, artifactId, name));
    }

    /**
     * The artifact's history, oldest first, without content.
     *
     * @param artifactId the artifact
     * @return one entry per version
     * @throws ArtifactNotFoundException if no artifact has that id
     * @throws ConfigurationException    at once, if the configuration is wrong (login, database, schema)
     * @throws StorageException          if the database fails
     */
    public List<VersionSummary> history(UUID artifactId) {
        Objects.requireNonNull(artifactId, "artifactId");
        return read(false, c -> Reader.history(c, artifactId));
    }

    InputValidator validator() {
        return validator;
    }

    /**
     * Runs a read; with {@code snapshot}, in a read-only REPEATABLE READ transaction so that its statements see
     * one state of the artifact.
     */
    <T> T read(boolean snapshot, Transactions.Work<T> body) {
        try {
            return writer.read(snapshot ? Transactions.Isolation.SNAPSHOT_READ : null, body);
        } catch (SQLException e) {
            throw Writer.readFailure(e);
        }
    }

    /** Configures an {@link ArtifactStore}. Not thread-safe; {@link #build()} copies the settings. */
    public static final class Builder {

        private final DataSource dataSource;
        private WriteStrategy strategy = WriteStrategy.rowLock();
        private int maxFiles = DEFAULT_MAX_FILES;
        private int maxFileBytes = DEFAULT_MAX_FILE_BYTES;
        private long maxArtifactBytes = DEFAULT_MAX_ARTIFACT_BYTES;
        private Duration defaultTimeout = DEFAULT_TIMEOUT;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private final List<AppendListener> listeners = new ArrayList<>();
        private TextMerger merger;
        private Retention retention;
        private boolean feedListen = true;
        private Duration feedPollInterval = DEFAULT_FEED_POLL_INTERVAL;
        private int feedBufferSize = DEFAULT_FEED_BUFFER_SIZE;

        private Builder(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        }

        /**
         * The write strategy; default {@link WriteStrategy#rowLock()}.
         *
         * @param strategy the strategy
         * @return this builder
         * @throws NullPointerException if {@code strategy} is {@code null}
         */
        public Builder strategy(WriteStrategy strategy) {
            this.strategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /**
         * The largest content accepted for one file, in UTF-8 bytes; default 1 MiB. Checked before any I/O.
         *
         * @param bytes a positive limit
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is not positive
         */
        public Builder maxFileBytes(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxFileBytes must be positive, was " + bytes);
            }
            this.maxFileBytes = bytes;
            return this;
        }

        /**
         * The most files an artifact may hold; default 10,000. A change that would leave more (and more than
         * before it) is rejected with {@link InvalidChangeException.Reason#TOO_MANY_FILES}, nothing written.
         *
         * @param files a positive limit
         * @return this builder
         * @throws IllegalArgumentException if {@code files} is not positive
         */
        public Builder maxFiles(int files) {
            if (files <= 0) {
                throw new IllegalArgumentException("maxFiles must be positive, was " + files);
            }
            this.maxFiles = files;
            return this;
        }

        /**
         * The largest total content of an artifact's latest version, in UTF-8 bytes; default 256 MiB. A change
         * that would make it larger (and larger than before it) is rejected with
         * {@link InvalidChangeException.Reason#ARTIFACT_TOO_LARGE}, nothing written.
         *
         * @param bytes a positive limit
         * @return this builder
         * @throws IllegalArgumentException if {@code bytes} is not positive
         */
        public Builder maxArtifactBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxArtifactBytes must be positive, was " + bytes);
            }
            this.maxArtifactBytes = bytes;
            return this;
        }

        /**
         * The deadline of an append that does not set its own; default 30 s.
         *
         * @param timeout a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is not positive
         */
        public Builder defaultTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            this.defaultTimeout = timeout;
            return this;
        }

        /**
         * The store's one source of time; default the system clock. Deadlines, retention ages, retry budgets and
         * the elapsed time of appends are all measured on it: the system clock (in any zone) measures elapsed time
         * with {@link System#nanoTime()}, any other clock (a test's, say) with its own instants, so that moving it
         * moves every timer of the store at once.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How strategies wait between attempts; default {@link Sleeper#SYSTEM}.
         *
         * @param sleeper the sleeper
         * @return this builder
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Adds a listener of attempts, conflicts, retries, batches, successes and give-ups; default none. May be called
         * more than once: every listener hears every event, in the order they were added, and one that throws
         * neither fails the append nor keeps the others from hearing it ({@link AppendListener#composite}).
         *
         * @param listener the listener, thread-safe
         * @return this builder
         * @throws NullPointerException if {@code listener} is {@code null}
         */
        public Builder listener(AppendListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * The three-way merge used when a put's base is stale ({@link Change#put(CodeFile, int)}); default the first
         * {@link TextMerger} that {@link ServiceLoader} finds (gapless-text provides one), or none. Without one, a
         * put whose file changed since its base fails with {@link MergeConflictException}, nothing written.
         *
         * @param merger the merger, thread-safe
         * @return this builder
         * @throws NullPointerException if {@code merger} is {@code null}
         */
        public Builder merger(TextMerger merger) {
            this.merger = Objects.requireNonNull(merger, "merger");
            return this;
        }

        /**
         * Whether the change feed LISTENs for notifications (default true). Turn it off where notifications cannot
         * arrive, e.g. behind PgBouncer in transaction mode: the feed then relies on its poll alone.
         *
         * @param listen whether to LISTEN
         * @return this builder
         */
        public Builder feedListen(boolean listen) {
            this.feedListen = listen;
            return this;
        }

        /**
         * A retention policy applied as versions are written: after every 64th version of an artifact, the append
         * that wrote it prunes what the policy does not keep, in at most a few bounded steps (see
         * {@link ArtifactLifecycle#prune}) after its own commit; default none (every version is kept).
         *
         * @param retention the policy, or {@code null} for none
         * @return this builder
         */
        public Builder retention(Retention retention) {
            this.retention = retention;
            return this;
        }

        /**
         * How often every feed subscription reads whether or not a notification came; default 1 s. The latency of
         * the feed when notifications are lost or turned off.
         *
         * @param interval between 10 ms and 1 hour
         * @return this builder
         * @throws IllegalArgumentException if {@code interval} is out of that range
         */
        public Builder feedPollInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.compareTo(Duration.ofMillis(10)) < 0 || interval.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("feedPollInterval must be between 10 ms and 1 h, was " + interval);
            }
            this.feedPollInterval = interval;
            return this;
        }

        /**
         * The most events the feed reads ahead for one subscriber; default 256.
         *
         * @param events a positive number, at most 100,000
         * @return this builder
         * @throws IllegalArgumentException if {@code events} is out of that range
         */
        public Builder feedBufferSize(int events) {
            if (events <= 0 || events > 100_000) {
                throw new IllegalArgumentException("feedBufferSize must be between 1 and 100000, was " + events);
            }
            this.feedBufferSize = events;
            return this;
        }

        /**
         * Builds the store.
         *
         * @return the store
         */
        public ArtifactStore build() {
            return new ArtifactStore(this);
        }
    }
}
