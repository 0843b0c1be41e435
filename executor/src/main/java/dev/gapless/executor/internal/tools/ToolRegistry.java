package dev.gapless.executor.internal.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gapless.executor.ToolDefinition;
import dev.gapless.executor.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every tool, each once: the one place a tool is registered. What the model reads of a tool comes from
 * {@code tools.json} (name, description, input schema), what it does and what a client may assume of it from its
 * {@link Tool} class; the registry pairs them by name and refuses to load if either side has a tool the other lacks.
 * It drives the catalog the formats and adapters are given ({@link #definitions()}), dispatch ({@link #tool}) and the
 * MCP annotations (the definitions' hints). Immutable and thread-safe.
 */
public final class ToolRegistry {

    /** Where the descriptions are, on the classpath. */
    static final String DESCRIPTIONS = "/dev/gapless/executor/tools.json";

    private static final ToolRegistry STANDARD = of(List.of(new AddCodeFile(), new AddCodeFiles(),
            new DeleteCodeFile(), new EditCodeFile(), new TextEditor(), new ApplyPatch(), new GetCodeFile(),
            new ListCodeFiles(), new GetArtifactHistory(), new GetCodeDiff(), new RevertToVersion()),
            descriptions());

    private final Map<String, Tool> tools;
    private final List<ToolDefinition> definitions;

    private ToolRegistry(Map<String, Tool> tools, List<ToolDefinition> definitions) {
        this.tools = tools;
        this.definitions = List.copyOf(definitions);
    }

    /**
     * The registry of Gapless's tools.
     *
     * @return the registry
     */
    public static ToolRegistry standard() {
        return STANDARD;
    }

    /**
     * Pairs tools with their descriptions.
     *
     * @param tools        the tools, each name once
     * @param descriptions the array of {@code {name, description, input_schema}}, in the order the catalog lists them
     * @return the registry
     * @throws IllegalStateException naming the tool, if a description has no tool, a tool no description, or a name
     *                               is given twice
     */
    static ToolRegistry of(List<Tool> tools, JsonNode descriptions) {
        Map<String, Tool> byName = new LinkedHashMap<>();
        for (Tool tool : tools) {
            if (byName.put(tool.name(), tool) != null) {
                throw new IllegalStateException("the tool " + tool.name() + " is registered twice");
            }
        }
        Map<String, Tool> ordered = new LinkedHashMap<>();
        List<ToolDefinition> definitions = new ArrayList<>();
        for (JsonNode described : descriptions) {
            String name = described.path("name").asText();
            Tool tool = byName.get(name);
            if (tool == null) {
                throw new IllegalStateException("tools.json describes " + name + ", which has no handler");
            }
            if (ordered.put(name, tool) != null) {
                throw new IllegalStateException("tools.json describes " + name + " twice");
            }
            definitions.add(new ToolDefinition(name, described.path("description").asText(),
                    described.path("input_schema"), tool.hints()));
        }
        byName.keySet().removeAll(ordered.keySet());
        if (!byName.isEmpty()) {
            throw new IllegalStateException("no description in tools.json for " + byName.keySet());
        }
        return new ToolRegistry(Map.copyOf(ordered), definitions);
    }

    /**
     * Every tool as offered to a model, in the order of {@code tools.json}.
     *
     * @return the definitions
     */
    public List<ToolDefinition> definitions() {
        return definitions;
    }

    /**
     * Looks a tool up.
     *
     * @param name the name a call gives
     * @return the tool, or empty if none has that name
     */
    public Optional<Tool> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(tools.get(name));
    }

    /**
     * The tool of a call already checked against the catalog.
     *
     * @param name the tool's name
     * @return the tool
     * @throws IllegalArgumentException if no tool has that name
     */
    public Tool tool(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("no handler for " + name));
    }

    /** The descriptions of the tools, as the model reads them. */
    static JsonNode descriptions() {
        try (InputStream in = ToolRegistry.class.getResourceAsStream(DESCRIPTIONS)) {
            if (in == null) {
                throw new IllegalStateException("tools.json missing from the classpath");
            }
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read tools.json", e);
        }
    }
}
