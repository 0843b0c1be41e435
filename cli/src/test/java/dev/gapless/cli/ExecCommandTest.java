package dev.gapless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gapless.executor.json.Json;
import dev.gapless.testkit.PostgresExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gapless exec} and {@code gapless history} end to end through the command line's main class. */
class ExecCommandTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create();

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return Json.MAPPER.readTree(out);
        }
    }

    static Run gapless(String... args) {
        CommandLine commandLine = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exit = commandLine.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static String[] withDb(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add(1, "--jdbc-url");
        all.add(2, PG.jdbcUrl());
        all.add(3, "--user");
        all.add(4, PG.server().user());
        all.add(5, "--password");
        all.add(6, PG.server().password());
        return all.toArray(String[]::new);
    }

    static String resource(String name) throws URISyntaxException {
        return Paths.get(ExecCommandTest.class.getResource("/responses/" + name).toURI()).toString();
    }

    @Test
    void theOriginalFourParallelCallsAllLandAndAReplayAddsNothing() throws Exception {
        String chat = "chat-" + UUID.randomUUID();
        Run first = gapless(withDb("exec", "--chat", chat, resource("openai-four-files.json")));
        assertThat(first.exit()).as(first.err()).isZero();
        JsonNode messages = first.json();
        assertThat(messages).hasSize(4);
        List<Integer> versions = new ArrayList<>();
        for (JsonNode m : messages) {
            assertThat(m.path("role").asText()).isEqualTo("tool");
            JsonNode content = Json.MAPPER.readTree(m.path("content").asText());
            assertThat(content.path("status").asText()).isEqualTo("ok");
            versions.add(content.path("version").asInt());
        }
        assertThat(versions).containsExactlyInAnyOrder(1, 2, 3, 4);
        assertThat(messages.get(0).path("tool_call_id").asText()).isEqualTo("call_Q1mZp8bXh2kL4sT9vW3yN6aR");

        Run replay = gapless(withDb("exec", "--chat", chat, resource("openai-four-files.json")));
        assertThat(replay.exit()).isZero();
        for (JsonNode m : replay.json()) {
            assertThat(Json.MAPPER.readTree(m.path("content").asText()).path("deduplicated").asBoolean()).isTrue();
        }

        Run history = gapless(withDb("history", "--chat", chat, "--json"));
        assertThat(history.exit()).isZero();
        assertThat(history.json()).hasSize(4);
        assertThat(history.json().get(3).path("files").asInt()).isEqualTo(4);
    }

    @Test
    void theAnthropicEquivalentAnswersWithToolResultBlocks() throws Exception {
        String chat = "chat-" + UUID.randomUUID();
        Run run = gapless(withDb("exec", "--chat", chat, resource("anthropic-four-files.json")));
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode message = run.json();
        assertThat(message.path("role").asText()).isEqualTo("user");
        assertThat(message.path("content")).hasSize(4).allSatisfy(block -> {
            assertThat(block.path("type").asText()).isEqualTo("tool_result");
            assertThat(block.path("is_error").asBoolean()).isFalse();
        });
        Run history = gapless(withDb("history", "--chat", chat, "--json"));
        assertThat(history.json()).hasSize(4);
    }

    @Test
    void sixtyFourParallelCallsAllLand(@TempDir Path dir) throws Exception {
        ObjectNode response = Json.MAPPER.createObjectNode();
        ArrayNode calls = response.putArray("choices").addObject().putObject("message").putArray("tool_calls");
        for (int i = 0; i < 64; i++) {
            ObjectNode args = Json.MAPPER.createObjectNode().put("filename", "src/module_" + i + ".cpp")
                    .put("language", "cpp").put("content", "// module " + i).put("description", "module " + i);
            calls.addObject().put("id", "call_" + i).put("type", "function").putObject("function")
                    .put("name", "add_code_file").put("arguments", Json.write(args));
        }
        Path file = dir.resolve("sixty-four.json");
        Files.writeString(file, Json.write(response));
        String chat = "chat-" + UUID.randomUUID();
        Run run = gapless(withDb("exec", "--chat", chat, "--strategy", "group-commit", "--parallelism", "64",
                file.toString()));
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.json()).hasSize(64);
        assertThat(run.out()).doesNotContain("error");
        assertThat(gapless(withDb("history", "--chat", chat, "--json")).json()).hasSize(64);
    }

    /** Regression (issue 18 item 11): the replay ran the failed delete again and deleted the file the add wrote. */
    @Test
    void aResponseExecutedTwiceOneCallAtATimeChangesNothingOnTheReplay(@TempDir Path dir) throws Exception {
        String chat = "chat-" + UUID.randomUUID();
        Path response = dir.resolve("delete-then-add.json");
        Files.writeString(response, "{\"choices\": [{\"message\": {\"role\": \"assistant\", \"tool_calls\": ["
                + "{\"id\": \"call_del\", \"type\": \"function\", \"function\": {\"name\": \"delete_code_file\","
                + " \"arguments\": \"{\\\"filename\\\": \\\"g.txt\\\"}\"}},"
                + "{\"id\": \"call_add\", \"type\": \"function\", \"function\": {\"name\": \"add_code_file\","
                + " \"arguments\": \"{\\\"filename\\\": \\\"g.txt\\\", \\\"language\\\": \\\"\\\", \\\"content\\\": \\\"x\\\"}\"}}]}}]}");
        Run first = gapless(withDb("exec", "--chat", chat, "--parallelism", "1", response.toString()));
        Run replay = gapless(withDb("exec", "--chat", chat, "--parallelism", "1", response.toString()));

        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(first.json().get(0).path("content").asText()).contains("no such file");
        assertThat(replay.json().get(0)).isEqualTo(first.json().get(0));
        assertThat(replay.json().get(1).path("content").asText()).contains("\"deduplicated\":true");
        JsonNode history = gapless(withDb("history", "--chat", chat, "--json")).json();
        assertThat(history).hasSize(1);
        assertThat(history.get(0).path("files").asInt()).isEqualTo(1);
    }

    @Test
    void badCallsAreErrorResultsButTheRunSucceeds() throws Exception {
        String chat = "chat-" + UUID.randomUUID();
        Run run = gapless(withDb("exec", "--chat", chat, resource("openai-bad-calls.json")));
        assertThat(run.exit()).isZero();
        List<String> contents = new ArrayList<>();
        run.json().forEach(m -> contents.add(m.path("content").asText()));
        assertThat(contents.get(0)).contains("\"status\":\"ok\"");
        assertThat(contents.get(1)).contains("not valid JSON");
        assertThat(contents.get(2)).contains("unknown tool 'rm_rf'");
        assertThat(contents.get(3)).contains("/filename violates 'type'");
        assertThat(contents.get(4)).contains("'..'");
        assertThat(contents.get(5)).contains("no file named 'nope.txt'");
        assertThat(gapless(withDb("history", "--chat", chat, "--json")).json()).hasSize(1);
    }

    @Test
    void unusableInputExitsTwoAndWritesNothing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("x.json");
        Files.writeString(file, "{\"model\": \"gpt-4o\", \"choices\": ");
        Run broken = gapless(withDb("exec", "--chat", "c", file.toString()));
        assertThat(broken.exit()).isEqualTo(2);
        assertThat(broken.err()).contains("not valid JSON");
        Files.writeString(file, "{\"hello\": \"world\"}");
        Run foreign = gapless(withDb("exec", "--chat", "c", file.toString()));
        assertThat(foreign.exit()).isEqualTo(2);
        assertThat(foreign.err()).contains("neither an OpenAI");
        Run missing = gapless(withDb("exec", "--chat", "c", dir.resolve("missing.json").toString()));
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("the file " + dir.resolve("missing.json") + " does not exist")
                .doesNotContain("cannot read");
        assertThat(gapless(withDb("exec", "--chat", "c", "--strategy", "nope", file.toString())).exit()).isEqualTo(2);
        assertThat(gapless(withDb("history", "--chat", "c", "--json")).json()).isEmpty();
    }

    @Test
    void execThenHistoryInTwoInvocationsShareTheEmbeddedDataDirectory(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pg");
        Run exec = gapless("exec", "--chat", "persist", "--data-dir", data.toString(),
                resource("openai-four-files.json"));
        assertThat(exec.exit()).as(exec.err()).isZero();
        Run history = gapless("history", "--chat", "persist", "--data-dir", data.toString());
        assertThat(history.exit()).as(history.err()).isZero();
        assertThat(history.out()).contains("Added main.cpp").contains("Added README.md")
                .contains("call_Q1mZp8bXh2kL4sT9vW3yN6aR");
        assertThat(history.out().lines().count()).isEqualTo(5);
    }

    @Test
    void aTimeoutOfZeroOrLessIsAUsageErrorBeforeAnythingStarts(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("pg");
        for (String timeout : List.of("PT0S", "-PT1S", "P2D")) {
            Run run = gapless("exec", "--chat", "c", "--data-dir", data.toString(), "--timeout", timeout,
                    resource("openai-four-files.json"));
            assertThat(run.exit()).as(timeout).isEqualTo(2);
            assertThat(run.err()).contains("--timeout must be positive and at most PT24H, was");
        }
        assertThat(data).as("no embedded server was started").doesNotExist();
    }

    @Test
    void everyCommandThatSuggestsVerboseAcceptsItAndThenPrintsTheStackTrace(@TempDir Path dir) throws Exception {
        String notADirectory = Files.writeString(dir.resolve("file"), "x").toString();
        Run plain = gapless("history", "--chat", "c", "--data-dir", notADirectory);
        assertThat(plain.exit()).isEqualTo(1);
        assertThat(plain.err()).contains("run with --verbose for the stack trace").doesNotContain("\tat ");
        Run verbose = gapless("history", "--verbose", "--chat", "c", "--data-dir", notADirectory);
        assertThat(verbose.exit()).isEqualTo(1);
        assertThat(verbose.err()).contains(notADirectory + " is a file, not a directory").contains("\tat ");
        for (String command : List.of("exec", "history", "mcp", "race")) {
            assertThat(Main.commandLine().getSubcommands().get(command).getCommandSpec().findOption("--verbose"))
                    .as(command).isNotNull();
        }
    }

    @Test
    void standardInputPastTheLimitIsRefusedSayingSo() throws Exception {
        byte[] json = Files.readAllBytes(Path.of(resource("openai-four-files.json")));
        java.io.InputStream whole = new ExecCommand.Bounded(new java.io.ByteArrayInputStream(json), json.length);
        assertThat(whole.readAllBytes()).isEqualTo(json);
        java.io.InputStream cut = new ExecCommand.Bounded(new java.io.ByteArrayInputStream(json), json.length - 1);
        org.assertj.core.api.Assertions.assertThatThrownBy(cut::readAllBytes)
                .isInstanceOf(dev.gapless.executor.format.UnusableInputException.class)
                .hasMessageStartingWith("the input is over ");
    }

    @Test
    void aByteOrderMarkAtTheStartOfAResponseIsAccepted(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bom.json");
        byte[] json = Files.readAllBytes(Path.of(resource("openai-four-files.json")));
        Files.write(file, concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, json));
        Run run = gapless(withDb("exec", "--chat", "chat-" + UUID.randomUUID(), file.toString()));
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.json()).hasSize(4);
    }

    @Test
    void aResponseGivenWithTheOtherFormatSaysWhichFormatItLooksLike() throws Exception {
        Run anthropic = gapless(withDb("exec", "--chat", "c", "--format", "openai",
                resource("anthropic-four-files.json")));
        assertThat(anthropic.exit()).isEqualTo(2);
        assertThat(anthropic.err()).contains("looks like an Anthropic Messages response (format 'anthropic'), not an"
                + " OpenAI Chat Completions response; leave --format out to detect it");
        Run openAi = gapless(withDb("exec", "--chat", "c", "--format", "anthropic",
                resource("openai-four-files.json")));
        assertThat(openAi.exit()).isEqualTo(2);
        assertThat(openAi.err()).contains("looks like an OpenAI Chat Completions response (format 'openai')");
        assertThat(gapless(withDb("history", "--chat", "c", "--json")).json()).isEmpty();
    }

    @Test
    void aKeyTwiceInArgumentsIsAnErrorResultNamingItAndWritesNothing(@TempDir Path dir) throws Exception {
        String twice = "{\"filename\":\"a.txt\",\"language\":\"text\",\"content\":\"x\",\"filename\":\"b.txt\"}";
        ObjectNode response = Json.MAPPER.createObjectNode();
        response.putArray("tool_calls").addObject().put("id", "call_twice").put("type", "function")
                .putObject("function").put("name", "add_code_file").put("arguments", twice);
        Path file = dir.resolve("twice.json");
        Files.writeString(file, Json.write(response));
        String chat = "chat-" + UUID.randomUUID();
        Run run = gapless(withDb("exec", "--chat", chat, file.toString()));
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.json().get(0).path("content").asText())
                .contains("the key 'filename' appears twice in the object at /");
        assertThat(gapless(withDb("history", "--chat", chat, "--json")).json()).isEmpty();
    }

    @Test
    void aKeyTwiceInsideTheResponseDocumentRefusesItAsAWhole(@TempDir Path dir) throws Exception {
        String text = Files.readString(Path.of(resource("anthropic-four-files.json")))
                .replaceFirst("\"filename\": \"main.cpp\",", "\"filename\": \"main.cpp\", \"filename\": \"other.cpp\",");
        Path file = dir.resolve("twice.json");
        Files.writeString(file, text);
        String chat = "chat-" + UUID.randomUUID();
        Run run = gapless(withDb("exec", "--chat", chat, file.toString()));
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("the input is ambiguous: the key 'filename' appears twice in the object at"
                + " /content/1/input");
        assertThat(gapless(withDb("history", "--chat", chat, "--json")).json()).isEmpty();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
