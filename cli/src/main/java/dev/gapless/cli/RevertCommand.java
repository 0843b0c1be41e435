package dev.gapless.cli;

import dev.gapless.core.AppendOptions;
import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.RevertResult;
import dev.gapless.executor.json.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gapless revert}: a new version with an earlier version's files. */
@Command(name = "revert", mixinStandardHelpOptions = true,
        description = "Write a new version of a chat's code artifact whose files are those of an earlier version."
                + " Every version stays in the history. With --key, running it again writes nothing.")
final class RevertCommand extends ChatCommand {

    @Option(names = "--to", required = true, paramLabel = "N", description = "The version to go back to.")
    int to;

    @Option(names = "--key", paramLabel = "KEY", description = "An idempotency key: a repeated revert with the same"
            + " key returns the version written the first time.")
    String key;

    @Override
    void validate() {
        if (to < 1) {
            throw usage("--to must be 1 or more, was " + to);
        }
    }

    @Override
    void run(ArtifactStore store, PrintWriter out) throws Exception {
        Artifact artifact = artifact(store);
        AppendOptions options = key == null ? AppendOptions.defaults()
                : AppendOptions.defaults().withIdempotencyKey(key);
        RevertResult r = store.lifecycle().revert(artifact.id(), to, options);
        if (json) {
            print(out, Json.MAPPER.createObjectNode().put("chat", chat).put("reverted_to", r.target())
                    .put("version", r.version()).put("files_changed", r.filesChanged()).put("written", r.written())
                    .put("deduplicated", r.deduplicated()));
        } else if (r.deduplicated()) {
            out.println("already reverted with key '" + key + "': version " + r.version());
        } else if (!r.written()) {
            out.println("version " + r.version() + " already has the files of version " + to + "; nothing written");
        } else {
            out.println("reverted chat '" + chat + "' to version " + to + " as version " + r.version() + " ("
                    + r.filesChanged() + (r.filesChanged() == 1 ? " file" : " files") + " put back or deleted)");
        }
    }
}
