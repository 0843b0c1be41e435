package dev.gapless.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Schema;
import dev.gapless.executor.ToolCatalog;
import dev.gapless.executor.ToolDefinition;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.json.Json;
import dev.gapless.testkit.PostgresExtension;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The MCP tool specifications are the executor's registry, read through the SDK objects McpTools builds: one per
 * tool, with its description and schema, and annotations that say what the tool declares of itself.
 */
class McpToolsTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create().withInitializer(Schema::apply);

    private static ToolExecutor executor;
    private static List<McpServerFeatures.SyncToolSpecification> specifications;

    @BeforeAll
    static void start() {
        executor = ToolExecutor.builder(ArtifactStore.create(PG.dataSource())).build();
        specifications = McpTools.specifications(executor, new JacksonMcpJsonMapper(new ObjectMapper()), true);
    }

    @AfterAll
    static void stop() {
        executor.close();
    }

    @Test
    void everyToolOfTheCatalogIsOfferedOnceInItsOrder() {
        List<String> offered = new ArrayList<>();
        specifications.forEach(s -> offered.add(s.tool().name()));
        assertThat(offered).containsExactlyElementsOf(ToolCatalog.standard().names()).hasSize(11);
    }

    @Test
    void theAnnotationsAreTheToolsDeclaredHints() {
        for (McpServerFeatures.SyncToolSpecification specification : specifications) {
            McpSchema.Tool tool = specification.tool();
            ToolDefinition.Hints declared = ToolCatalog.standard().find(tool.name()).orElseThrow().hints();
            McpSchema.ToolAnnotations annotations = tool.annotations();
            assertThat(annotations.readOnlyHint()).as(tool.name()).isEqualTo(declared.readOnly());
            // MCP defines the destructive and idempotent hints for tools that are not read-only only
            assertThat(annotations.destructiveHint()).as(tool.name())
                    .isEqualTo(declared.readOnly() ? null : declared.destructive());
            assertThat(annotations.idempotentHint()).as(tool.name())
                    .isEqualTo(declared.readOnly() ? null : declared.idempotent());
            assertThat(annotations.openWorldHint()).as(tool.name()).isFalse();
        }
    }

    @Test
    void theDescriptionAndSchemaAreTheCatalogs() {
        for (McpServerFeatures.SyncToolSpecification specification : specifications) {
            McpSchema.Tool tool = specification.tool();
            ToolDefinition definition = ToolCatalog.standard().find(tool.name()).orElseThrow();
            assertThat(tool.description()).isEqualTo(definition.description());
            JsonNode offered = Json.MAPPER.valueToTree(tool.inputSchema());
            assertThat(offered).as(tool.name()).isEqualTo(definition.inputSchema());
        }
    }
}
