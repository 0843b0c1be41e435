package dev.gapless.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.ToolResult;
import dev.gapless.executor.format.Format;
import dev.gapless.executor.format.UnusableInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gapless exec}: runs the tool calls of a saved model response and prints the results in the same
 * provider's shape.
 */
@Command(name = "exec", mixinStandardHelpOptions = true,
        description = {"Run the tool calls of a saved model response (OpenAI Chat Completions, OpenAI Responses API or"
                + " Anthropic Messages) and print the results in the same provider's shape: for Chat Completions a"
                + " JSON array of tool messages, for the Responses API a JSON array of function_call_output and"
                + " apply_patch_call_output items, for Anthropic a user message of tool_result blocks.",
            "Exit code 0 when every call was executed (error results included); 2 when the input as a whole is"
                + " unusable; 1 when the database fails."})
final class ExecCommand implements Callable<Integer> {

    /** The largest input document accepted. */
    static final long MAX_INPUT_BYTES = 256L << 20;

    @Spec
    CommandSpec spec;

    @Mixin
    StoreOptions storage;

    @Option(names = "--chat", required = true, paramLabel = "ID", description = "The chat whose code artifact the calls work on.")
    String chat;

    @Option(names = "--format", paramLabel = "openai|responses|anthropic",
            description = "The input's format (default: detected from the input).")
    String format;

    @Option(names = "--parallelism", defaultValue = "16", description = "Calls run at once (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--timeout", defaultValue = "PT30S",
            description = "Per-call timeout, ISO-8601, positive and at most P1D (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Mixin
    VerboseOption verbosity;

    @Parameters(index = "0", paramLabel = "FILE|-", description = "The model response, or - for standard input.")
    String input;

    @Override
    public Integer call() throws Exception {
        storage.validate(spec.commandLine());
        var err = spec.commandLine().getErr();
        StoreOptions.requireChat(spec.commandLine(), chat);
        if (parallelism < 1 || parallelism > 256) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--parallelism must be 1..256");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(ToolExecutor.MAX_CALL_TIMEOUT) > 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout must be positive and at most "
                    + ToolExecutor.MAX_CALL_TIMEOUT + ", was " + timeout);
        }
        Format chosen;
        List<ToolCall> calls;
        String hint = "";
        try {
            JsonNode document = readInput();
            chosen = format == null ? Format.detect(document) : Format.named(format);
            if (!chosen.recognises(document) && Format.recognise(document).isPresent()) {
                hint = "; leave --format out to detect it";
            }
            calls = Format.parseAs(chosen, document);
        } catch (UnusableInputException | IllegalArgumentException e) {
            err.println("gapless exec: " + e.getMessage() + hint);
            err.flush();
            return Main.EXIT_USAGE;
        }
        try (StoreOptions.Storage open = storage.open(err, parallelism + 2);
             ToolExecutor executor = ToolExecutor.builder(open.store(), chat).maxParallelism(parallelism)
                     .callTimeout(timeout).build();
             Progress ignored = Progress.start(err, "executing " + calls.size() + " tool call(s)")) {
            List<ToolResult> results = executor.execute(calls);
            var out = spec.commandLine().getOut();
            out.println(dev.gapless.executor.json.Json.MAPPER.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(chosen.render(results)));
            out.flush();
        }
        return 0;
    }

    /** Parses the input straight from the file or standard input, bounded, without a copy of its text. */
    private JsonNode readInput() {
        try {
            if (input.equals("-")) {
                return Format.read(new Bounded(System.in, MAX_INPUT_BYTES));
            }
            Path path = Path.of(input);
            if (Files.isDirectory(path)) {
                throw new UnusableInputException(input + " is a directory, not a file");
            }
            if (Files.size(path) > MAX_INPUT_BYTES) {
                throw new UnusableInputException("the input is over " + (MAX_INPUT_BYTES >> 20) + " MiB");
            }
            try (InputStream in = Files.newInputStream(path)) {
                return Format.read(in);
            }
        } catch (NoSuchFileException e) {
            throw new UnusableInputException("the file " + input + " does not exist");
        } catch (AccessDeniedException e) {
            throw new UnusableInputException("cannot read " + input + ": permission denied");
        } catch (IOException e) {
            throw new UnusableInputException("cannot read " + input + ": " + e.getMessage());
        }
    }

    /** Standard input cut off at a limit: reading past it fails, saying so. */
    static final class Bounded extends java.io.FilterInputStream {
        private final long limit;
        private long read;

        Bounded(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count(Math.max(n, 0));
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                throw new UnusableInputException("the input is over " + (limit >> 20) + " MiB");
            }
        }
    }
}
