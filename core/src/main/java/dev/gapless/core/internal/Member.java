package dev.gapless.core.internal;

import dev.gapless.core.AppendResult;
import dev.gapless.core.GaplessException;
import dev.gapless.core.FileMerge;
import java.util.List;

/**
 * One append inside the write pipeline, alone or in a group-commit batch: its request, whether an attempt of it
 * may have committed unseen, and, once settled, its result. Confined to the thread running its batch, then
 * published to the caller through {@link #settled()}'s happens-before (see {@link GroupCommitLanes}).
 */
final class Member {

    private final AppendRequest request;
    private final TimeSource time;
    private boolean ambiguous;
    private int batchSize = 1;
    private volatile MemberResult result;

    /**
     * @param request the append
     * @param time    the store's time source, which measured {@link AppendRequest#startNanos()}
     */
    Member(AppendRequest request, TimeSource time) {
        this.request = request;
        this.time = time;
    }

    AppendRequest request() {
        return request;
    }

    /** The appends in this member's latest attempt's transaction (1 before its first attempt). */
    int batchSize() {
        return batchSize;
    }

    /** Records that an attempt of this member runs with {@code size} appends in its transaction. */
    void attempting(int size) {
        batchSize = size;
    }

    /** Whether an attempt lost its connection while it may have been committing, and nothing since settled it. */
    boolean ambiguous() {
        return ambiguous;
    }

    void markAmbiguous() {
        ambiguous = true;
    }

    /** An attempt found under the artifact's lock that the key was not applied: no earlier attempt committed. */
    void settleAmbiguity() {
        ambiguous = false;
    }

    boolean isOpen() {
        return result == null;
    }

    MemberResult settled() {
        return result;
    }

    void settle(MemberResult r) {
        if (result == null) {
            result = r;
        }
    }

    AppendResult result(int version, String summary, int attempt, boolean deduplicated) {
        return result(version, summary, attempt, deduplicated, false, List.of());
    }

    AppendResult result(int version, String summary, int attempt, boolean deduplicated, boolean unchanged,
                        List<FileMerge> merges) {
        return new AppendResult(request.artifactId(), version, summary, attempt,
                time.since(request.startNanos()), deduplicated, unchanged, merges);
    }

    /** The caller's view: the result, or the failure thrown. */
    AppendResult outcome() {
        MemberResult r = result;
        if (r instanceof MemberResult.Done done) {
            return done.result();
        }
        if (r instanceof MemberResult.Failed failed) {
            throw failed.failure();
        }
        throw new IllegalStateException("append to artifact " + request.artifactId() + " finished unsettled");
    }

    static GaplessException failureOf(MemberResult r) {
        return r instanceof MemberResult.Failed f ? f.failure() : null;
    }
}
