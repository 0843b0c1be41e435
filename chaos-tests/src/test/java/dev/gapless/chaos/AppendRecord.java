package dev.gapless.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.core.Change;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A writer's own record of one logical append: what it asked for and what every call (the first and each retry,
 * all with the same idempotency key) told it. This, not the database, is the checker's source of what was
 * acknowledged.
 *
 * @param op         unique id of the logical append, for messages
 * @param writer     who wrote it (thread, process), for messages
 * @param strategy   the strategy that wrote it
 * @param artifactId the artifact
 * @param key        the idempotency key, or {@code null} for a (deliberately broken) keyless writer
 * @param change     the change sent on every call
 * @param tries      the outcome of every call, in order; never empty
 */
record AppendRecord(String op, String writer, String strategy, UUID artifactId, String key, Change change,
                    List<Outcome> tries) {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    AppendRecord {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(artifactId, "artifactId");
        Objects.requireNonNull(change, "change");
        tries = List.copyOf(tries);
        if (tries.isEmpty()) {
            throw new IllegalArgumentException("an append record needs at least one call: " + op);
        }
    }

    /** The outcome of the last call: what the writer finally believes. */
    Outcome last() {
        return tries.get(tries.size() - 1);
    }

    /** Whether any call's outcome was unknown. */
    boolean hadUnknown() {
        return tries.stream().anyMatch(t -> t instanceof Outcome.Unknown);
    }

    /** One line of JSON, for records handed from a writer process to the test. */
    String toJson() {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("op", op);
        node.put("writer", writer);
        node.put("strategy", strategy);
        node.put("artifactId", artifactId.toString());
        node.put("key", key);
        node.set("change", ChangeCodec.toJson(change));
        ArrayNode array = node.putArray("tries");
        for (Outcome t : tries) {
            ObjectNode o = array.addObject();
            if (t instanceof Outcome.Acked a) {
                o.put("kind", "acked").put("version", a.version()).put("deduplicated", a.deduplicated())
                        .put("unchanged", a.unchanged());
            } else if (t instanceof Outcome.Failed f) {
                o.put("kind", "failed").put("errorClass", f.errorClass()).put("retryable", f.retryable());
            } else {
                o.put("kind", "unknown").put("errorClass", ((Outcome.Unknown) t).errorClass());
            }
        }
        return node.toString();
    }

    static AppendRecord fromJson(String line) {
        try {
            JsonNode node = MAPPER.readTree(line);
            List<Outcome> tries = new ArrayList<>();
            for (JsonNode o : node.path("tries")) {
                switch (o.path("kind").asText()) {
                    case "acked" -> tries.add(new Outcome.Acked(o.path("version").asInt(),
                            o.path("deduplicated").asBoolean(), o.path("unchanged").asBoolean()));
                    case "failed" -> tries.add(new Outcome.Failed(o.path("errorClass").asText(),
                            o.path("retryable").asBoolean()));
                    default -> tries.add(new Outcome.Unknown(o.path("errorClass").asText()));
                }
            }
            JsonNode key = node.get("key");
            return new AppendRecord(node.path("op").asText(), node.path("writer").asText(),
                    node.path("strategy").asText(), UUID.fromString(node.path("artifactId").asText()),
                    key == null || key.isNull() ? null : key.asText(),
                    ChangeCodec.fromJson(node.path("change")), tries);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not an append record: " + line, e);
        }
    }
}
