package dev.gapless.executor;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import dev.gapless.executor.internal.tools.ToolRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tools Gapless offers, with their JSON Schemas, and validation of arguments against them (networknt
 * json-schema-validator 2.x, draft 2020-12). Each tool is registered once, with its handler and hints, in the
 * executor's internal registry; this is the view of it that formats, adapters and the MCP server read. Immutable and
 * thread-safe.
 */
public final class ToolCatalog {

    private static final ToolCatalog DEFAULT = load();

    private final List<ToolDefinition> tools;
    private final Map<String, Schema> schemas;

    private ToolCatalog(List<ToolDefinition> tools, Map<String, Schema> schemas) {
        this.tools = List.copyOf(tools);
        this.schemas = Map.copyOf(schemas);
    }

    /**
     * The catalog of {@code add_code_file}, {@code add_code_files}, {@code delete_code_file}, the edit tools
     * {@code edit_code_file}, {@code str_replace_based_edit_tool} (Anthropic's text editor) and {@code apply_patch}
     * (OpenAI's V4A patches), {@code get_code_file}, {@code list_code_files}, {@code get_artifact_history} (paged),
     * {@code get_code_diff} and {@code revert_to_version}.
     *
     * @return the catalog
     */
    public static ToolCatalog standard() {
        return DEFAULT;
    }

    /** {@return every tool, in a stable order} */
    public List<ToolDefinition> tools() {
        return tools;
    }

    /** {@return the names of the tools} */
    public List<String> names() {
        return tools.stream().map(ToolDefinition::name).toList();
    }

    /**
     * Looks a tool up.
     *
     * @param name the tool's name
     * @return the tool, or empty
     */
    public Optional<ToolDefinition> find(String name) {
        return tools.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /**
     * Validates arguments against a tool's schema.
     *
     * @param name      a tool in this catalog
     * @param arguments the parsed arguments
     * @return the problems, each naming the JSON pointer and the rule broken, e.g.
     *     {@code "/filename: required: required property 'filename' not found"}; empty when valid
     * @throws IllegalArgumentException if the tool is unknown
     */
    public List<String> validate(String name, JsonNode arguments) {
        Schema schema = schemas.get(name);
        if (schema == null) {
            throw new IllegalArgumentException("unknown tool " + name);
        }
        List<String> out = new ArrayList<>();
        schema.validate(arguments).stream()
                .sorted(Comparator.comparing((Error e) -> e.getInstanceLocation().toString())
                        .thenComparing(Error::getKeyword))
                .forEach(e -> out.add(describe(e)));
        return out;
    }

    private static String describe(Error m) {
        String pointer = m.getInstanceLocation().toString();
        if (pointer.isEmpty()) {
            pointer = "/";
        }
        String text = m.getMessage();
        // the library prefixes its message with the location; we state it once, in front
        String prefix = m.getInstanceLocation().toString() + ": ";
        if (text.startsWith(prefix)) {
            text = text.substring(prefix.length());
        } else if (text.startsWith(": ")) {
            text = text.substring(2);
        }
        return pointer + " violates '" + m.getKeyword() + "': " + text;
    }

    private static ToolCatalog load() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                builder -> builder.schemaRegistryConfig(
                        SchemaRegistryConfig.builder().pathType(PathType.JSON_POINTER).build()));
        List<ToolDefinition> tools = ToolRegistry.standard().definitions();
        Map<String, Schema> schemas = new LinkedHashMap<>();
        for (ToolDefinition definition : tools) {
            schemas.put(definition.name(), registry.getSchema(definition.inputSchema()));
        }
        return new ToolCatalog(tools, schemas);
    }
}
