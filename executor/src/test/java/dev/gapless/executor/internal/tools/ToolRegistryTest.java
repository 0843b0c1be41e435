package dev.gapless.executor.internal.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.gapless.executor.ToolCatalog;
import dev.gapless.executor.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every tool in tools.json has a handler and every handler a description: the registry pairs them by name and refuses
 * to load otherwise; the catalog the formats, adapters and MCP server read is the registry's.
 */
class ToolRegistryTest {

    private static final JsonNode DESCRIPTIONS = ToolRegistry.descriptions();

    private static List<String> describedNames() {
        List<String> names = new ArrayList<>();
        DESCRIPTIONS.forEach(tool -> names.add(tool.path("name").asText()));
        return names;
    }

    @Test
    void everyToolInToolsJsonHasAHandlerOfItsName() {
        ToolRegistry registry = ToolRegistry.standard();
        assertThat(describedNames()).hasSize(11).doesNotHaveDuplicates();
        for (String name : describedNames()) {
            assertThat(registry.find(name)).as(name).hasValueSatisfying(tool -> assertThat(tool.name())
                    .isEqualTo(name));
        }
        assertThat(registry.definitions()).extracting(ToolDefinition::name).containsExactlyElementsOf(
                describedNames());
    }

    @Test
    void theCatalogIsTheRegistrysDefinitionsWithTheToolsOwnHints() {
        ToolRegistry registry = ToolRegistry.standard();
        assertThat(ToolCatalog.standard().tools()).isEqualTo(registry.definitions());
        for (ToolDefinition definition : registry.definitions()) {
            assertThat(definition.hints()).as(definition.name()).isEqualTo(registry.tool(definition.name()).hints());
            JsonNode described = DESCRIPTIONS.get(describedNames().indexOf(definition.name()));
            assertThat(definition.description()).isEqualTo(described.path("description").asText()).isNotBlank();
            assertThat(definition.inputSchema()).isEqualTo(described.path("input_schema"));
        }
    }

    @Test
    void aToolInToolsJsonWithoutAHandlerIsRefused() {
        List<Tool> withoutDelete = allTools();
        withoutDelete.removeIf(t -> t.name().equals("delete_code_file"));
        assertThatThrownBy(() -> ToolRegistry.of(withoutDelete, DESCRIPTIONS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("tools.json describes delete_code_file, which has no handler");
    }

    @Test
    void aHandlerWithoutADescriptionIsRefused() {
        ArrayNode withoutDiff = DESCRIPTIONS.deepCopy();
        withoutDiff.remove(describedNames().indexOf("get_code_diff"));
        assertThatThrownBy(() -> ToolRegistry.of(allTools(), withoutDiff))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("no description in tools.json for [get_code_diff]");
    }

    @Test
    void aToolRegisteredOrDescribedTwiceIsRefused() {
        List<Tool> twice = allTools();
        twice.add(new ApplyPatch());
        assertThatThrownBy(() -> ToolRegistry.of(twice, DESCRIPTIONS))
                .hasMessage("the tool apply_patch is registered twice");
        ArrayNode describedTwice = DESCRIPTIONS.deepCopy();
        describedTwice.add(DESCRIPTIONS.get(0).deepCopy());
        assertThatThrownBy(() -> ToolRegistry.of(allTools(), describedTwice))
                .hasMessage("tools.json describes add_code_file twice");
    }

    @Test
    void anUnknownNameHasNoTool() {
        assertThat(ToolRegistry.standard().find("rm_rf")).isEmpty();
        assertThat(ToolRegistry.standard().find(null)).isEmpty();
        assertThatThrownBy(() -> ToolRegistry.standard().tool("rm_rf"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no handler for rm_rf");
    }

    @Test
    void onlyWholeFileWritesAndTheDiffReadTheViewWhenTheCallsArrive() {
        List<String> reading = new ArrayList<>();
        allTools().forEach(t -> {
            if (t.readsViewAtArrival()) {
                reading.add(t.name());
            }
        });
        assertThat(reading).containsExactlyInAnyOrder("add_code_file", "add_code_files", "get_code_diff");
    }

    private static List<Tool> allTools() {
        List<Tool> tools = new ArrayList<>();
        ToolRegistry.standard().definitions().forEach(d -> tools.add(ToolRegistry.standard().tool(d.name())));
        return tools;
    }
}
