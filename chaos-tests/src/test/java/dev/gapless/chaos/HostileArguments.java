package dev.gapless.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates hostile tool calls: each must be rejected with an error result and write nothing. Plain seeded
 * generators (one seed replays a run) kept in one place, so a property engine could drive them instead.
 *
 * @see HostileToolInputTest
 */
final class HostileArguments {

    /** One generated case: a tool name, raw argument text, and the category for messages and figures. */
    record Case(String category, String tool, String arguments) {
    }

    /** One line an MCP client sends, and the JSON-RPC error code it must get (the session then goes on). */
    record McpLine(String category, String line, int code) {
    }

    /**
     * One {@code gapless exec} invocation (arguments after {@code exec}; {@code FILE} stands for the input file),
     * the content of that file, and the exit code and message it must give.
     */
    record CommandLine(String category, List<String> arguments, String file, int exit, String message) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] WRITE_TOOLS = {"add_code_file", "add_code_files", "delete_code_file"};
    private static final String[] PATH_TRICKS = {"../etc/passwd", "/etc/passwd", "a/../../b", "..", ".", "./a",
        "a/./b", "a//b", "a/", "C:\\Windows\\x", "C:x", "\\\\server\\share\\x", "\\abs", "src/../../x", "",
        " ", "\t", "a\u0000b", "a\nb", "a\rb", "\u0007bell", "a\u001fb", "\u007f", "..\\..\\x",
        "src/..", "/", "//x",
        // the filename policy: invisible and formatting characters, C1 controls, spaces of any kind, device names
        "evil\u202etxt.exe", "ma\u200bin.cpp", "\ufeffmain.cpp", "a\u2066b", "a\u0085b", "a\u009bb", "\u00a0",
        "dir/\u2003", "src/main.", "CON", "con.txt", "aux/x.c", "LPT1", "a\u2028b"};
    private static final String[] CATEGORIES = {"malformed-json", "not-an-object", "wrong-type", "missing-field",
        "extra-field", "huge-string", "control-or-nul", "path-trick", "deep-nesting", "unknown-tool",
        "bad-batch", "missing-file", "trailing-garbage", "duplicate-key", "double-encoded", "edit-path-trick",
        "huge-patch", "malformed-envelope", "crlf-mix", "empty-old-str", "stale-edit", "lone-surrogate"};
    private static final String[] MCP_CATEGORIES = {"not-json", "not-json-rpc", "batch", "string-arguments",
        "non-object-arguments", "bad-params", "duplicate-key"};
    /** JSON-RPC error codes a hostile MCP line must get. */
    static final int PARSE_ERROR = -32700;
    static final int INVALID_REQUEST = -32600;
    static final int INVALID_PARAMS = -32602;

    private final Random random;

    HostileArguments(long seed) {
        this.random = new Random(seed);
    }

    Case next() {
        String category = CATEGORIES[random.nextInt(CATEGORIES.length)];
        return switch (category) {
            case "malformed-json" -> malformed();
            case "not-an-object" -> new Case(category, writeTool(), pick("[]", "[{\"filename\":\"a\"}]", "\"a.txt\"",
                    "42", "-1e999", "true", "null", "\"\"", "[null]"));
            case "wrong-type" -> wrongType();
            case "missing-field" -> missingField();
            case "extra-field" -> extraField();
            case "huge-string" -> hugeString();
            case "control-or-nul" -> controlOrNul();
            case "path-trick" -> pathTrick();
            case "deep-nesting" -> deepNesting();
            case "unknown-tool" -> new Case(category, pick("rm_rf", "ADD_CODE_FILE", "add_code_file ", "",
                    "add_code_file\u0000", "../add_code_file", "exec", "add-code-file", "delete_code_files"),
                    validAdd("unknown-tool.txt").toString());
            case "bad-batch" -> badBatch();
            case "missing-file" -> new Case(category, "delete_code_file",
                    object().put("filename", "missing/" + random.nextInt(1_000_000) + ".txt").toString());
            case "duplicate-key" -> duplicateKey();
            case "lone-surrogate" -> loneSurrogate();
            case "double-encoded" -> new Case(category, writeTool(), MAPPER.getNodeFactory()
                    .textNode(validAdd("de.txt").toString()).toString());
            case "edit-path-trick" -> editPathTrick();
            case "huge-patch" -> hugePatch();
            case "malformed-envelope" -> malformedEnvelope();
            case "crlf-mix" -> crlfMix();
            case "empty-old-str" -> emptyOldStr();
            case "stale-edit" -> staleEdit();
            default -> trailingGarbage();
        };
    }

    /** The same key twice in one object of the arguments: top level, or inside a batch's file. */
    private Case duplicateKey() {
        String key = pick("filename", "language", "content", "description");
        String valid = validAdd("dk" + random.nextInt(1000) + ".txt").toString();
        String twice = valid.substring(0, valid.length() - 1) + ",\"" + key + "\":\"second " + key + "\"}";
        return random.nextBoolean() ? new Case("duplicate-key", "add_code_file", twice)
                : new Case("duplicate-key", "add_code_files", "{\"files\":[" + validAdd("ok.txt") + "," + twice + "]}");
    }

    /** A hostile line for an initialised MCP session; requests among them carry {@code id}. */
    McpLine nextMcpLine(int id) {
        String category = MCP_CATEGORIES[random.nextInt(MCP_CATEGORIES.length)];
        String call = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":";
        String add = validAdd("mcp" + random.nextInt(1000) + ".txt").toString();
        return switch (category) {
            case "not-json" -> new McpLine(category, pick("not json", "{", "}", "{\"jsonrpc\":\"2.0\"",
                    "{'jsonrpc':'2.0'}", "nope " + random.nextInt(), add + " trailing", "\u0000"), PARSE_ERROR);
            case "not-json-rpc" -> new McpLine(category, pick("{\"foo\":1}", "{}", "42", "\"text\"", "null", "true",
                    "{\"jsonrpc\":\"1.0\",\"id\":" + id + ",\"method\":\"ping\"}",
                    "{\"jsonrpc\":2.0,\"id\":" + id + ",\"method\":\"ping\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}",
                    "{\"jsonrpc\":\"2.0\",\"id\":" + id + "}",
                    "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":7}",
                    "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":\"x\"}"), INVALID_REQUEST);
            case "batch" -> new McpLine(category, pick("[]", "[1,2]", "[" + call + "{\"name\":\"list_code_files\"}}]"),
                    INVALID_REQUEST);
            case "string-arguments" -> new McpLine(category, call + "{\"name\":\"add_code_file\",\"arguments\":"
                    + MAPPER.getNodeFactory().textNode(add) + "}}", INVALID_PARAMS);
            case "non-object-arguments" -> new McpLine(category, call + "{\"name\":\"add_code_file\",\"arguments\":"
                    + pick("7", "[]", "true", "[" + add + "]") + "}}", INVALID_PARAMS);
            case "bad-params" -> new McpLine(category, call + pick("\"x\"}", "[1]}", "{\"name\":5}}",
                    "{\"arguments\":{}}}", "{\"name\":\"add_code_file\",\"_meta\":\"k\",\"arguments\":" + add
                    + "}}"), INVALID_PARAMS);
            default -> {
                String key = pick("filename", "language", "content");
                String twice = add.substring(0, add.length() - 1) + ",\"" + key + "\":\"again\"}";
                yield random.nextBoolean()
                        ? new McpLine(category, call + "{\"name\":\"add_code_file\",\"arguments\":" + twice + "}}",
                                INVALID_PARAMS)
                        : new McpLine(category, "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":" + id
                                + ",\"method\":\"tools/call\"}", INVALID_REQUEST);
            }
        };
    }

    /**
     * Command lines {@code gapless exec} must refuse as usage errors (exit 2) before starting anything, with the
     * message each must give; and one it must accept (a response saved with a byte-order mark).
     *
     * @param openAi    an OpenAI response document
     * @param anthropic an Anthropic response document
     */
    List<CommandLine> commandLines(String openAi, String anthropic) {
        List<CommandLine> cases = new ArrayList<>();
        for (String timeout : List.of("PT0S", "-PT1S", "-P1D", "PT0.000S", "P2D")) {
            cases.add(new CommandLine("timeout", List.of("--timeout", timeout, "FILE"), openAi, 2,
                    "--timeout must be positive and at most PT24H"));
        }
        cases.add(new CommandLine("timeout", List.of("--timeout", pick("soon", "30", "PT", ""), "FILE"), openAi, 2,
                "Invalid value for option '--timeout'"));
        cases.add(new CommandLine("data-dir-wait", List.of("--data-dir-wait", "-PT" + (1 + random.nextInt(60)) + "S",
                "FILE"), openAi, 2, "--data-dir-wait must not be negative"));
        cases.add(new CommandLine("other-format", List.of("--format", "openai", "FILE"), anthropic, 2,
                "looks like an Anthropic Messages response"));
        cases.add(new CommandLine("other-format", List.of("--format", "anthropic", "FILE"), openAi, 2,
                "looks like an OpenAI Chat Completions response"));
        String missing = "missing-" + random.nextInt(1_000_000) + ".json";
        cases.add(new CommandLine("missing-file", List.of(missing), null, 2,
                "the file " + missing + " does not exist"));
        cases.add(new CommandLine("duplicate-key", List.of("FILE"), anthropic.replaceFirst("\"name\"",
                "\"name\": \"x\", \"name\""), 2, "the key 'name' appears twice"));
        cases.add(new CommandLine("byte-order-mark", List.of("FILE"), "\uFEFF" + openAi, 0, ""));
        return cases;
    }

    private Case malformed() {
        String valid = validAdd("m.txt").toString();
        String broken = switch (random.nextInt(8)) {
            case 0 -> valid.substring(0, 1 + random.nextInt(valid.length() - 1));
            case 1 -> valid.replace(":", "");
            case 2 -> valid.replace("\"", "'");
            case 3 -> "{filename: \"a.txt\", language: \"x\", content: \"c\"}";
            case 4 -> "{\"filename\": \"a.txt\",}";
            case 5 -> randomText(1 + random.nextInt(40));
            case 6 -> "{\"filename\": \"a.txt\" \"content\": \"c\"}";
            default -> "\uFEFF{\"filename\": \"a.txt\", \"language\": \"x\", \"content\": \"unterminated}";
        };
        return new Case("malformed-json", writeTool(), broken);
    }

    private Case trailingGarbage() {
        String valid = random.nextBoolean() ? validAdd("tg" + random.nextInt(1000) + ".txt").toString()
                : object().put("filename", "shared/s0.txt").toString();
        String tool = valid.contains("content") ? "add_code_file" : "delete_code_file";
        return new Case("trailing-garbage", tool, valid + pick("}", "]", "x", "{}", ",", " {\"a\":1}", "null"));
    }

    private Case wrongType() {
        Object[] values = {123, true, null, List.of(), List.of("a"), new Object(), 1.5};
        ObjectNode node = validAdd("wt.txt");
        String field = pick("filename", "language", "content", "description");
        Object value = values[random.nextInt(values.length)];
        if (value == null) {
            node.putNull(field);
        } else if (value instanceof Integer i) {
            node.put(field, i);
        } else if (value instanceof Boolean b) {
            node.put(field, b);
        } else if (value instanceof Double d) {
            node.put(field, d);
        } else if (value instanceof List<?> l) {
            ArrayNode a = node.putArray(field);
            l.forEach(x -> a.add(x.toString()));
        } else {
            node.putObject(field).put("nested", "x");
        }
        if (random.nextInt(4) == 0) {
            ObjectNode files = object();
            files.put("files", pick("a.txt", "[]", "{}"));
            return new Case("wrong-type", "add_code_files", files.toString());
        }
        if (random.nextInt(4) == 0) {
            return new Case("wrong-type", "delete_code_file", object().put("filename", random.nextInt()).toString());
        }
        return new Case("wrong-type", "add_code_file", node.toString());
    }

    private Case missingField() {
        ObjectNode node = validAdd("mf.txt");
        node.remove(pick("filename", "language", "content"));
        if (random.nextBoolean()) {
            ObjectNode renamed = object();
            node.fields().forEachRemaining(e -> renamed.set(e.getKey().toUpperCase(), e.getValue()));
            node = renamed;
        }
        return random.nextInt(5) == 0 ? new Case("missing-field", "delete_code_file", "{}")
                : new Case("missing-field", "add_code_file", node.toString());
    }

    private Case extraField() {
        String extra = pick("evil", "__proto__", "constructor", "artifact_id", "version", "idempotency_key",
                "filename ", "");
        return switch (random.nextInt(4)) {
            case 0 -> new Case("extra-field", "delete_code_file",
                    object().put("filename", "shared/s1.txt").put(extra, 1).toString());
            case 1 -> new Case("extra-field", "list_code_files", object().put(extra, "x").toString());
            case 2 -> new Case("extra-field", "get_artifact_history", object().put(extra, true).toString());
            default -> new Case("extra-field", "add_code_file", validAdd("ef.txt").put(extra, "x").toString());
        };
    }

    private Case hugeString() {
        ObjectNode node = validAdd("huge.txt");
        switch (random.nextInt(4)) {
            case 0 -> node.put("filename", "a".repeat(513 + random.nextInt(20_000)));
            case 1 -> node.put("description", "d".repeat(1025 + random.nextInt(20_000)));
            case 2 -> node.put("language", "l".repeat(65 + random.nextInt(1000)));
            default -> node.put("content", "c".repeat((1 << 20) + 1 + random.nextInt(1000)));
        }
        return new Case("huge-string", "add_code_file", node.toString());
    }

    private Case controlOrNul() {
        ObjectNode node = validAdd("ctl.txt");
        String bad = pick("\u0000", "a\u0000", "\u0001\u0002", "x\u001by", "\u0000\u0000\u0000");
        String field = pick("filename", "filename", "content", "description", "language");
        node.put(field, field.equals("filename") ? "ctl" + bad + ".txt" : "text" + bad + "more");
        if (!bad.contains("\u0000") && !field.equals("filename")) {
            node.put("filename", "ctl\u0000.txt"); // control characters are fine in content; NUL never is
        }
        return new Case("control-or-nul", "add_code_file", node.toString());
    }

    /**
     * A lone surrogate, as the escape a model's JSON can carry, in any text field: never stored (PostgreSQL would
     * keep it as '?').
     */
    private Case loneSurrogate() {
        String escape = pick("\\ud800", "\\udfff", "\\udc00\\ud83d", "\\ud83d");
        String field = pick("filename", "content", "description", "language");
        String filename = field.equals("filename") ? "z" + escape + ".txt" : "z.txt";
        return new Case("lone-surrogate", "add_code_file", "{\"filename\":\"" + filename + "\",\"language\":\""
                + (field.equals("language") ? escape : "text") + "\",\"content\":\"" + (field.equals("content")
                ? "a" + escape + "b" : "ok") + "\",\"description\":\"" + (field.equals("description") ? escape : "d")
                + "\"}");
    }

    private Case pathTrick() {
        String path = pick(PATH_TRICKS);
        return switch (random.nextInt(3)) {
            case 0 -> new Case("path-trick", "delete_code_file", object().put("filename", path).toString());
            case 1 -> {
                ObjectNode root = object();
                ArrayNode files = root.putArray("files");
                files.add(validAdd("ok-" + random.nextInt(1000) + ".txt"));
                files.add(validAdd(path));
                yield new Case("path-trick", "add_code_files", root.toString());
            }
            default -> new Case("path-trick", "add_code_file", validAdd(path).toString());
        };
    }

    private Case deepNesting() {
        int depth = 20 + random.nextInt(random.nextBoolean() ? 100 : 20_000);
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        String nested = open.repeat(depth) + "1" + close.repeat(depth);
        String args = random.nextBoolean() ? nested
                : "{\"filename\":\"deep.txt\",\"language\":\"x\",\"content\":\"c\",\"description\":" + nested + "}";
        return new Case("deep-nesting", writeTool(), args);
    }

    private Case badBatch() {
        ObjectNode root = object();
        ArrayNode files = root.putArray("files");
        switch (random.nextInt(4)) {
            case 0 -> { } // minItems 1
            case 1 -> {
                for (int i = 0; i < 65 + random.nextInt(10); i++) {
                    files.add(validAdd("many/" + i + ".txt"));
                }
            }
            case 2 -> {
                files.add(validAdd("dup.txt"));
                files.add(validAdd("ok.txt"));
                files.add(validAdd("x.txt").put("content", 5));
            }
            default -> {
                files.add(validAdd("ok2.txt"));
                files.addNull();
            }
        }
        return new Case("bad-batch", "add_code_files", root.toString());
    }

    // ---- the edit tools (edit_code_file, str_replace_based_edit_tool, apply_patch); shared/s0.txt holds "seed" ----

    private Case editPathTrick() {
        String path = pick(PATH_TRICKS);
        return switch (random.nextInt(4)) {
            case 0 -> new Case("edit-path-trick", "edit_code_file", object().put("path", path).put("old_string", "seed")
                    .put("new_string", "x").toString());
            case 1 -> new Case("edit-path-trick", "str_replace_based_edit_tool", object().put("command",
                    pick("create", "str_replace", "insert")).put("path", path).put("file_text", "x").put("old_str", "seed")
                    .put("new_str", "x").put("insert_line", 0).put("insert_text", "x").toString());
            case 2 -> patch("edit-path-trick", "*** Begin Patch\n*** " + pick("Add File: ", "Delete File: ", "Update File: ")
                    + path + "\n+x\n*** End Patch");
            default -> patch("edit-path-trick", "*** Begin Patch\n*** Update File: shared/s0.txt\n*** Move to: " + path
                    + "\n@@\n-seed\n+moved\n*** End Patch");
        };
    }

    private Case hugePatch() {
        int n = (1 << 20) + 1 + random.nextInt(1000);
        return switch (random.nextInt(3)) {
            // one added file over the 1 MiB per-file limit
            case 0 -> patch("huge-patch", "*** Begin Patch\n*** Add File: big.txt\n+" + "h".repeat(n) + "\n*** End Patch");
            // arguments over the 4 MiB limit, refused before parsing
            case 1 -> patch("huge-patch", "*** Begin Patch\n*** Add File: big.txt\n" + "+0123456789abcdef\n".repeat(
                    (4 << 20) / 18 + 1000) + "*** End Patch");
            // a replacement that would make the file over the limit
            default -> new Case("huge-patch", "edit_code_file", object().put("path", "shared/s0.txt")
                    .put("old_string", "seed").put("new_string", "s".repeat(n)).toString());
        };
    }

    private Case malformedEnvelope() {
        String body = pick("", "*** Begin Patch", "*** End Patch", "*** Begin Patch\n*** End Patch",
                "*** Begin Patch\n*** Update File: shared/s0.txt\n-seed\n+x",
                "*** Update File: shared/s0.txt\n-seed\n+x\n*** End Patch",
                "*** Begin Patch\n*** Update File: shared/s0.txt\n*** End Patch",
                "*** Begin Patch\n*** Update File: shared/s0.txt\n@@\n*** End Patch",
                "*** Begin Patch\n*** Update File: shared/s0.txt\n@@seed\n-seed\n*** End Patch",
                "*** Begin Patch\n*** Update File: shared/s0.txt\n@@\n-seed\n+x\nnot a hunk line\n*** End Patch",
                "*** Begin Patch\n*** Rename File: shared/s0.txt\n*** End Patch",
                "*** Begin Patch\n*** Add File: \n+x\n*** End Patch",
                "*** Begin Patch\n*** Delete File:\n*** End Patch",
                "--- a/shared/s0.txt\n+++ b/shared/s0.txt\n@@ -1 +1 @@\n-seed\n+x\n",
                "*** Begin Patch\r\n*** Frobnicate File: a\r\n*** End Patch\r\n");
        if (random.nextInt(4) == 0) {
            // the Responses API's shape of a malformed operation, as the function tool receives it
            ObjectNode call = object();
            call.putObject("operation").put("type", "update_file").put("path", "shared/s0.txt");
            return new Case("malformed-envelope", "apply_patch", call.toString());
        }
        return patch("malformed-envelope", body);
    }

    /** Texts that match the file only if line breaks were ignored: CRLF where the file has none, LF where it has CR. */
    private Case crlfMix() {
        return switch (random.nextInt(3)) {
            case 0 -> new Case("crlf-mix", "edit_code_file", object().put("path", "shared/s0.txt")
                    .put("old_string", pick("seed\r\n", "\r\nseed", "se\r\ned")).put("new_string", "x").toString());
            case 1 -> new Case("crlf-mix", "str_replace_based_edit_tool", object().put("command", "str_replace")
                    .put("path", "shared/s0.txt").put("old_str", "seed\n").put("new_str", "x\r\n").toString());
            default -> patch("crlf-mix", "*** Begin Patch\r\n*** Update File: shared/s0.txt\r\n@@\r\n seed\r\n"
                    + "-seed2\r\n+x\r\n*** End Patch\r\n");
        };
    }

    private Case emptyOldStr() {
        return switch (random.nextInt(4)) {
            case 0 -> new Case("empty-old-str", "edit_code_file", object().put("path", "shared/s0.txt")
                    .put("old_string", "").put("new_string", "x").toString());
            case 1 -> new Case("empty-old-str", "str_replace_based_edit_tool", object().put("command", "str_replace")
                    .put("path", "shared/s0.txt").put("old_str", "").put("new_str", "x").toString());
            case 2 -> new Case("empty-old-str", "edit_code_file", object().put("path", "shared/s0.txt")
                    .put("old_string", "seed").put("new_string", "seed").toString());
            default -> new Case("empty-old-str", "str_replace_based_edit_tool", object().put("command", "insert")
                    .put("path", "shared/s0.txt").put("insert_line", 0).put("insert_text", "").toString());
        };
    }

    /** Well-formed edits that do not apply to the file as it is: each must be refused, saying what was found. */
    private Case staleEdit() {
        return switch (random.nextInt(6)) {
            case 0 -> new Case("stale-edit", "edit_code_file", object().put("path", "shared/s0.txt")
                    .put("old_string", "not there " + random.nextInt()).put("new_string", "x").toString());
            case 1 -> new Case("stale-edit", "str_replace_based_edit_tool", object().put("command", "insert")
                    .put("path", "shared/s0.txt").put("insert_line", 2 + random.nextInt(100)).put("insert_text", "x")
                    .toString());
            case 2 -> new Case("stale-edit", "str_replace_based_edit_tool", object().put("command", "create")
                    .put("path", "shared/s0.txt").put("file_text", "x").toString());
            case 3 -> new Case("stale-edit", "str_replace_based_edit_tool", object().put("command", pick("view",
                    "str_replace")).put("path", "missing/" + random.nextInt(1000) + ".txt").put("old_str", "a")
                    .put("new_str", "b").toString());
            case 4 -> patch("stale-edit", "*** Begin Patch\n*** Add File: ok-" + random.nextInt(1000) + ".txt\n+fine\n"
                    + "*** Update File: shared/s0.txt\n@@ no such anchor\n-seed\n+x\n*** End Patch");
            default -> patch("stale-edit", "*** Begin Patch\n*** Update File: shared/s0.txt\n@@\n seed\n+x\n"
                    + "*** End of File\n*** Delete File: missing-" + random.nextInt(1000) + ".txt\n*** End Patch");
        };
    }

    private static Case patch(String category, String text) {
        return new Case(category, "apply_patch", object().put("input", text).toString());
    }

    private ObjectNode validAdd(String filename) {
        return object().put("filename", filename).put("language", "text").put("content", "hostile " + random.nextInt())
                .put("description", "d");
    }

    private static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    private String writeTool() {
        return WRITE_TOOLS[random.nextInt(WRITE_TOOLS.length)];
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }

    private String randomText(int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append((char) random.nextInt(random.nextBoolean() ? 128 : 0xD800));
        }
        return b.toString();
    }

    static List<String> categories() {
        return new ArrayList<>(List.of(CATEGORIES));
    }
}
