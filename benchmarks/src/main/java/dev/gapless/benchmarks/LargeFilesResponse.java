package dev.gapless.benchmarks;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a saved OpenAI Chat Completions response whose assistant message makes {@code calls} parallel
 * {@code add_code_file} calls of {@code bytes} bytes each (source-like lines), for measuring
 * {@code gapless exec} with large files:
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.gapless.benchmarks.LargeFilesResponse 64 1000000 /tmp/large.json
 * java -Xmx256m -jar cli/target/gapless.jar exec --chat large --strategy row-lock /tmp/large.json
 * }</pre>
 */
public final class LargeFilesResponse {

    private LargeFilesResponse() {
    }

    /**
     * Writes the response.
     *
     * @param args the number of calls, the bytes of content per file, the output file
     * @throws IOException if the file cannot be written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: LargeFilesResponse CALLS BYTES_PER_FILE OUTPUT_FILE");
            System.exit(2);
        }
        int calls = Integer.parseInt(args[0]);
        int bytes = Integer.parseInt(args[1]);
        ObjectMapper mapper = new ObjectMapper();
        try (OutputStream out = Files.newOutputStream(Path.of(args[2]));
             JsonGenerator json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField("id", "chatcmpl-large");
            json.writeStringField("object", "chat.completion");
            json.writeStringField("model", "gpt-4o-2024-08-06");
            json.writeArrayFieldStart("choices");
            json.writeStartObject();
            json.writeNumberField("index", 0);
            json.writeObjectFieldStart("message");
            json.writeStringField("role", "assistant");
            json.writeNullField("content");
            json.writeArrayFieldStart("tool_calls");
            for (int i = 0; i < calls; i++) {
                String arguments = mapper.writeValueAsString(mapper.createObjectNode()
                        .put("filename", String.format("src/large_%02d.cpp", i))
                        .put("language", "cpp")
                        .put("content", content(i, bytes))
                        .put("description", "a large generated file"));
                json.writeStartObject();
                json.writeStringField("id", String.format("call_large_%02d", i));
                json.writeStringField("type", "function");
                json.writeObjectFieldStart("function");
                json.writeStringField("name", "add_code_file");
                json.writeStringField("arguments", arguments);
                json.writeEndObject();
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeStringField("finish_reason", "tool_calls");
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();
        }
    }

    /** About {@code bytes} bytes of ASCII source-like lines, different for every file. */
    static String content(int file, int bytes) {
        StringBuilder out = new StringBuilder(bytes + 64);
        Random random = new Random(file);
        out.append("// generated file ").append(file).append('\n');
        while (out.length() < bytes - 40) {
            out.append(String.format("int v_%08x = %9d;%n", random.nextInt(), random.nextInt(1_000_000_000)));
        }
        while (out.length() < bytes) {
            out.append(' ');
        }
        return out.toString();
    }
}
