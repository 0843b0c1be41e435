package dev.gapless.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.Artifact;
import dev.gapless.core.ArtifactStore;
import dev.gapless.executor.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gapless checkout}: a version's files written into a directory, one file at a time. */
@Command(name = "checkout", mixinStandardHelpOptions = true,
        description = "Write the files of a version of a chat's code artifact (default: the latest) into a directory."
                + " Files already there are overwritten; others are left alone.")
final class CheckoutCommand extends ChatCommand {

    @Option(names = "--version", paramLabel = "N", description = "The version (default: the latest).")
    Integer version;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The directory to write into.")
    Path dir;

    @Override
    void validate() {
        if (version != null && version < 1) {
            throw usage("--version must be 1 or more, was " + version);
        }
    }

    @Override
    void run(ArtifactStore store, PrintWriter out) throws Exception {
        Artifact artifact = artifact(store);
        Path root = dir.toAbsolutePath().normalize();
        Files.createDirectories(root);
        ArrayNode names = Json.MAPPER.createArrayNode();
        long[] bytes = {0};
        int checkedOut = store.lifecycle().checkout(artifact.id(), version, file -> {
            Path target = root.resolve(file.filename()).normalize();
            if (!target.startsWith(root)) {
                throw new IOException("refusing to write " + file.filename() + " outside " + root);
            }
            Files.createDirectories(target.getParent());
            byte[] content = file.content().getBytes(StandardCharsets.UTF_8);
            Files.write(target, content);
            names.add(file.filename());
            bytes[0] += content.length;
        });
        if (json) {
            ObjectNode node = Json.MAPPER.createObjectNode().put("chat", chat).put("version", checkedOut)
                    .put("dir", root.toString()).put("bytes", bytes[0]);
            node.set("files", names);
            print(out, node);
        } else {
            out.println("checked out version " + checkedOut + " of chat '" + chat + "': " + names.size()
                    + (names.size() == 1 ? " file, " : " files, ") + bytes[0] + " bytes into " + root);
        }
    }
}
