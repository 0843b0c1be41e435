package dev.gapless.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.ArtifactStore;
import dev.gapless.executor.json.Json;
import java.io.PrintWriter;
import java.util.List;
import java.util.UUID;
import picocli.CommandLine.Command;

/** {@code gapless delete}: every artifact of a chat, from every table. */
@Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete every artifact of a chat and everything stored for them, in one transaction. A later"
                + " write for the chat starts a new artifact at version 1.")
final class DeleteCommand extends ChatCommand {

    @Override
    void run(ArtifactStore store, PrintWriter out) throws Exception {
        List<UUID> deleted = store.lifecycle().deleteChat(chat);
        if (json) {
            ObjectNode node = Json.MAPPER.createObjectNode().put("chat", chat).put("deleted", deleted.size());
            ArrayNode ids = node.putArray("artifacts");
            deleted.forEach(id -> ids.add(id.toString()));
            print(out, node);
        } else {
            out.println("deleted chat '" + chat + "': " + deleted.size()
                    + (deleted.size() == 1 ? " artifact" : " artifacts"));
        }
    }
}
