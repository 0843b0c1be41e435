package dev.gapless.cli;

import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.PruneResult;
import dev.gapless.core.Retention;
import dev.gapless.executor.json.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gapless prune}: the oldest versions of a chat's code artifact, for good. */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = "Delete the oldest versions of a chat's code artifact (never the latest), and the contents no"
                + " kept version needs. Numbering continues; reading a pruned version fails naming the oldest kept.")
final class PruneCommand extends ChatCommand {

    @ArgGroup(exclusive = true, multiplicity = "1")
    Keep keep;

    /** Which versions to keep: exactly one. */
    static final class Keep {
        @Option(names = "--keep-last", paramLabel = "K", description = "Keep the newest K versions.")
        Integer last;

        @Option(names = "--keep-newer-than", paramLabel = "N", description = "Keep the versions after version N.")
        Integer newerThan;

        @Option(names = "--keep-since", paramLabel = "TIME",
                description = "Keep the versions written at or after TIME (ISO-8601, e.g. 2026-12-01T00:00:00Z).")
        Instant since;

        @Option(names = "--keep-for", paramLabel = "DURATION",
                description = "Keep the versions written within DURATION of now (ISO-8601, e.g. P7D, PT12H).")
        Duration age;
    }

    private Retention retention;

    @Override
    void validate() {
        try {
            retention = keep.last != null ? Retention.keepLast(keep.last)
                    : keep.newerThan != null ? Retention.keepNewerThan(keep.newerThan)
                    : keep.since != null ? Retention.keepSince(keep.since) : Retention.keepFor(keep.age);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
    }

    @Override
    void run(ArtifactStore store, PrintWriter out) throws Exception {
        Artifact artifact = artifact(store);
        PruneResult r = store.lifecycle().prune(artifact.id(), retention);
        if (json) {
            print(out, Json.MAPPER.createObjectNode().put("chat", chat).put("oldest_kept", r.oldestKept())
                    .put("head", store.find(artifact.id()).map(Artifact::headVersion).orElse(0))
                    .put("versions_removed", r.versionsRemoved()).put("contents_removed", r.contentsRemoved())
                    .put("bytes_removed", r.bytesRemoved()));
        } else {
            out.println("pruned chat '" + chat + "': " + r.versionsRemoved() + " versions and " + r.contentsRemoved()
                    + " contents (" + r.bytesRemoved() + " bytes) removed; versions " + r.oldestKept() + " to "
                    + store.find(artifact.id()).map(Artifact::headVersion).orElse(0) + " kept");
        }
    }
}
