package dev.gapless.core;

import dev.gapless.core.internal.InputValidator;
import dev.gapless.core.internal.Lifecycle;
import dev.gapless.core.internal.Pruner;
import dev.gapless.core.internal.VersionFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What comes after writing versions: checkout, diff, revert, paged and per-file history, delete and retention.
 * Obtained from {@link ArtifactStore#lifecycle()}; it reads and writes through that store (its data source, strategy,
 * limits and deadlines). Thread-safe.
 *
 * <p>Deleting an artifact removes it from every table; a later {@link ArtifactStore#getOrCreate} for the same chat
 * and type makes a new artifact (another id) whose versions start again at 1. Pruning removes the oldest versions
 * for good: reading one raises {@link VersionPrunedException} naming the oldest kept, and an idempotency key is
 * remembered only as long as its version is kept.
 */
public final class ArtifactLifecycle {

    /** The most delete steps one pruning by the store's policy runs after an append. */
    static final int POLICY_STEPS = 8;
    /** The most rows one pruning step deletes. */
    static final int PRUNE_BATCH = 1_000;
    /** How often a revert recomputes its change when other writers moved the head meanwhile. */
    private static final int REVERT_ATTEMPTS = 16;

    private final ArtifactStore store;
    private final Pruner pruner;

    ArtifactLifecycle(ArtifactStore store, Pruner pruner) {
        this.store = store;
        this.pruner = pruner;
    }

    /**
     * Sends a version's files to {@code sink} one at a time, in snapshot order, holding a bounded chunk of contents
     * (128 files) in memory at once; the files are read in one repeatable-read transaction, so they are one version.
     *
     * @param artifactId the artifact
     * @param version    the version, or {@code null} for the latest
     * @param sink       receives each file
     * @return the version checked out (0 when the artifact has no version yet; nothing is sent then)
     * @throws ArtifactNotFoundException    if no artifact has that id
     * @throws VersionPrunedException       if the version was pruned
     * @throws IllegalArgumentException     if there is no such version
     * @throws java.io.UncheckedIOException if the sink failed
     * @throws StorageException             if the database fails
     */
    public int checkout(UUID artifactId, Integer version, CheckoutSink sink) {
        Objects.requireNonNull(artifactId, "artifactId");
        Objects.requireNonNull(sink, "sink");
        requireVersion(version, 1);
        return store.read(true, c -> VersionFiles.checkout(c, artifactId, version, sink));
    }

    /**
     * The files that differ between two versions, with their contents; only those files are read.
     *
     * @param artifactId the artifact
     * @param from       one version (0: the empty artifact before version 1)
     * @param to         the other version (usually the newer)
     * @return the diff, files sorted by name
     * @throws ArtifactNotFoundException if no artifact has that id
     * @throws VersionPrunedException    if either version was pruned
     * @throws IllegalArgumentException  if either is not a version of the artifact
     * @throws StorageException          if the database fails
     */
    public VersionDiff diff(UUID artifactId, int from, int to) {
        Objects.requireNonNull(artifactId, "artifactId");
        requireVersion(from, 0);
        requireVersion(to, 0);
        return store.read(true, c -> VersionFiles.diff(c, artifactId, from, to));
    }

    /**
     * What version {@code version} changed: the diff from its parent.
     *
     * @param artifactId the artifact
     * @param version    the version, from 1
     * @return the diff from {@code version - 1} to {@code version}
     * @throws GaplessException         as for {@link #diff(UUID, int, int)}
     * @throws IllegalArgumentException if {@code version} is less than 1 or not a version of the artifact
     */
    public VersionDiff diff(UUID artifactId, int version) {
        requireVersion(version, 1);
        return diff(artifactId, version - 1, version);
    }

    /**
     * Writes a new version whose files equal version {@code target}'s: the files that differ from the head are put
     * back (contents are stored once, so only the version's change is written) and the files {@code target} did not
     * have are deleted. It is an append like any other, through the store's strategy: with an idempotency key, a
     * replayed revert returns the version written before and writes nothing. When the head already equals
     * {@code target}, nothing is written.
     *
     * @param artifactId the artifact
     * @param target     the version to go back to, from 1
     * @param options    idempotency key and timeout (an expected version, if any, is checked against the head)
     * @return what was written
     * @throws ArtifactNotFoundException if no artifact has that id
     * @throws VersionPrunedException    if {@code target} was pruned
     * @throws IllegalArgumentException  if {@code target} is not a version of the artifact
     * @throws GaplessException          as for {@link ArtifactStore#append(UUID, Change, AppendOptions)}
     */
    public RevertResult revert(UUID artifactId, int target, AppendOptions options) {
        Objects.requireNonNull(artifactId, "artifactId");
        Objects.requireNonNull(options, "options");
        requireVersion(target, 1);
        String key = options.idempotencyKey().orElse(null);
        VersionConflictException last = null;
        for (int attempt = 0; attempt < REVERT_ATTEMPTS; attempt++) {
            if (key != null) {
                Integer done = store.read(false, c -> Lifecycle.versionOfKey(c, artifactId, key));
                if (done != null) {
                    return new RevertResult(artifactId, target, done, 0, false, true);
                }
            }
            int head = store.find(artifactId).orElseThrow(() -> new ArtifactNotFoundException(artifactId))
                    .headVersion();
            if (options.expectedVersion().isPresent() && options.expectedVersion().get() != head) {
                throw new VersionConflictException(artifactId, options.expectedVersion().get(), head);
            }
            VersionDiff diff = diff(artifactId, head, target);
            if (diff.isEmpty()) {
                return new RevertResult(artifactId, target, head, 0, false, false);
            }
            List<Change> changes = new ArrayList<>();
            for (ChangedFile f : diff.files()) {
                changes.add(f.after() == null ? Change.delete(f.filename()) : Change.put(f.after()));
            }
            try {
                AppendResult r = store.append(artifactId, Change.batch(changes),
                        withExpected(options, head));
                return new RevertResult(artifactId, target, r.version(), r.deduplicated() ? 0 : changes.size(),
                        !r.deduplicated(), r.deduplicated());
            } catch (VersionConflictException e) {
                last = e; // another writer moved the head after the diff was read: diff again against the new head
            } catch (IdempotencyKeyReusedException e) {
                // a replay of this revert, computed against another head, landed first: it is the one
                Integer done = store.read(false, c -> Lifecycle.versionOfKey(c, artifactId, key));
                if (done == null) {
                    throw e;
                }
                return new RevertResult(artifactId, target, done, 0, false, true);
            }
        }
        throw last;
    }

    private static AppendOptions withExpected(AppendOptions options, int head) {
        return options.withExpectedVersion(head);
    }

    /**
     * One page of history, newest first, optionally only the versions that touched one file.
     *
     * @param artifactId the artifact
     * @param query      limit, cursor and file
     * @return the page, with the cursor of the next
     * @throws ArtifactNotFoundException if no artifact has that id
     * @throws InvalidChangeException    if the file name is not a valid path
     * @throws StorageException          if the database fails
     */
    public HistoryPage history(UUID artifactId, HistoryQuery query) {
        Objects.requireNonNull(artifactId, "artifactId");
        Objects.requireNonNull(query, "query");
        query.fileName().ifPresent(InputValidator::normalizeFilename);
        return store.read(true, c -> Lifecycle.history(c, artifactId, query));
    }

    /**
     * Deletes an artifact and everything stored for it, in one transaction. An append racing the delete either
     * commits before it (and is deleted with it) or fails with {@link ArtifactNotFoundException}.
     *
     * @param artifactId the artifact
     * @return whether it existed
     * @throws StorageException if the database fails (nothing is deleted then)
     */
    public boolean delete(UUID artifactId) {
        Objects.requireNonNull(artifactId, "artifactId");
        return store.read(false, c -> Lifecycle.delete(c, artifactId));
    }

    /**
     * Deletes every artifact of a chat and everything stored for them, in one transaction. A later
     * {@link ArtifactStore#getOrCreate} for that chat starts a new artifact at version 1.
     *
     * @param chatId the chat
     * @return the ids of the artifacts deleted (empty when the chat had none)
     * @throws InvalidChangeException if {@code chatId} is blank or too long
     * @throws StorageException       if the database fails (nothing is deleted then)
     */
    public List<UUID> deleteChat(String chatId) {
        store.validator().validateField("chatId", chatId, true, InputValidator.MAX_ID_LENGTH);
        return store.read(false, c -> Lifecycle.deleteChat(c, chatId));
    }

    /**
     * Deletes the versions {@code retention} does not keep (never the head), then the contents, changes and
     * manifests no kept version references, in bounded steps of short transactions that never take the artifact's
     * lock; writers go on meanwhile. Every kept version reads back exactly as before; numbering continues.
     *
     * @param artifactId the artifact
     * @param retention  what to keep
     * @return what was removed and the oldest version kept
     * @throws ArtifactNotFoundException if no artifact has that id
     * @throws StorageException          if the database fails (the steps committed before stay done; run again)
     */
    public PruneResult prune(UUID artifactId, Retention retention) {
        Objects.requireNonNull(artifactId, "artifactId");
        Objects.requireNonNull(retention, "retention");
        return pruner.prune(artifactId, retention, Integer.MAX_VALUE);
    }

    /** The store's policy after an append: at most {@link #POLICY_STEPS} steps. */
    PruneResult applyPolicy(UUID artifactId, Retention retention) {
        return pruner.prune(artifactId, retention, POLICY_STEPS);
    }

    private static void requireVersion(Integer version, int min) {
        if (version != null && version < min) {
            throw new IllegalArgumentException("version numbers start at " + min + ", was " + version);
        }
    }
}
