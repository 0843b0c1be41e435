package dev.gapless.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.VersionDiff;
import dev.gapless.executor.json.Json;
import dev.gapless.text.DiffLine;
import dev.gapless.text.FileDiff;
import dev.gapless.text.Hunk;
import dev.gapless.text.UnifiedDiff;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gapless diff}: what changed between two versions, as git's unified diff on standard output. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = "Print what changed in a chat's code artifact from one version to another (default: the"
                + " latest) as a unified diff in git's format, which git apply accepts. Version 0 is the empty"
                + " artifact before version 1.")
final class DiffCommand extends ChatCommand {

    @Option(names = "--from", required = true, paramLabel = "N", description = "The older version (0 or more).")
    int from;

    @Option(names = "--to", paramLabel = "M", description = "The newer version (default: the latest).")
    Integer to;

    @Override
    void validate() {
        if (from < 0) {
            throw usage("--from must be 0 or more, was " + from);
        }
        if (to != null && to < 0) {
            throw usage("--to must be 0 or more, was " + to);
        }
    }

    @Override
    void run(ArtifactStore store, PrintWriter out) throws Exception {
        Artifact artifact = artifact(store);
        int target = to != null ? to : artifact.headVersion();
        VersionDiff diff = store.lifecycle().diff(artifact.id(), from, target);
        List<FileDiff> files = UnifiedDiff.files(diff);
        if (!json) {
            files.forEach(f -> out.print(f.unified()));
            return;
        }
        ObjectNode node = Json.MAPPER.createObjectNode().put("chat", chat).put("from", from).put("to", target);
        ArrayNode list = node.putArray("files");
        StringBuilder unified = new StringBuilder();
        for (FileDiff f : files) {
            ObjectNode file = list.addObject().put("filename", f.filename())
                    .put("change", f.kind().name().toLowerCase(Locale.ROOT))
                    .put("added_lines", f.added()).put("removed_lines", f.removed());
            ArrayNode hunks = file.putArray("hunks");
            for (Hunk h : f.hunks()) {
                ObjectNode hunk = hunks.addObject().put("old_start", h.oldStart()).put("old_lines", h.oldCount())
                        .put("new_start", h.newStart()).put("new_lines", h.newCount());
                ArrayNode lines = hunk.putArray("lines");
                for (DiffLine l : h.lines()) {
                    lines.add((l.type() == DiffLine.Type.ADDED ? "+" : l.type() == DiffLine.Type.REMOVED ? "-" : " ")
                            + l.text());
                }
            }
            unified.append(f.unified());
        }
        node.put("diff", unified.toString());
        print(out, node);
    }
}
