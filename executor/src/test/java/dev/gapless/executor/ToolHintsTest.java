package dev.gapless.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The catalog declares what a client may assume of each tool; the MCP server's annotations come from here. */
class ToolHintsTest {

    private static final ToolDefinition.Hints READ = new ToolDefinition.Hints(true, false, true);
    private static final ToolDefinition.Hints WRITE = new ToolDefinition.Hints(false, false, true);
    private static final ToolDefinition.Hints MAY_DELETE = new ToolDefinition.Hints(false, true, true);

    @Test
    void everyToolDeclaresItsHints() {
        Map<String, ToolDefinition.Hints> hints = new LinkedHashMap<>();
        ToolCatalog.standard().tools().forEach(t -> hints.put(t.name(), t.hints()));
        assertThat(hints).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("add_code_file", WRITE), Map.entry("add_code_files", WRITE),
                Map.entry("delete_code_file", MAY_DELETE), Map.entry("edit_code_file", WRITE),
                Map.entry("str_replace_based_edit_tool", WRITE), Map.entry("apply_patch", MAY_DELETE),
                Map.entry("get_code_file", READ), Map.entry("list_code_files", READ),
                Map.entry("get_artifact_history", READ), Map.entry("get_code_diff", READ),
                Map.entry("revert_to_version", MAY_DELETE)));
    }
}
