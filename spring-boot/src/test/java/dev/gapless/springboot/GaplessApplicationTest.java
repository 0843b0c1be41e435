package dev.gapless.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gapless.core.ArtifactStore;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.ToolResult;
import dev.gapless.testkit.PostgresExtension;
import dev.gapless.testkit.TestDatabase;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One real start of a small Spring Boot application, with Boot's own DataSource (HikariCP) on the embedded server and
 * nothing configured but {@code spring.datasource.*} and {@code gapless.*}: four parallel tool calls land as four
 * versions.
 */
class GaplessApplicationTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create();

    /** The application: nothing of its own but the annotation. */
    // no component scan: the other test applications of this package are not this one's
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class AgentApplication {
    }

    static ConfigurableApplicationContext start(TestDatabase db, String... properties) {
        SpringApplication app = new SpringApplication(AgentApplication.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        String[] args = new String[properties.length + 3];
        args[0] = "--spring.datasource.url=" + db.jdbcUrl();
        args[1] = "--spring.datasource.username=" + db.server().user();
        args[2] = "--spring.datasource.password=" + db.server().password();
        System.arraycopy(properties, 0, args, 3, properties.length);
        return app.run(args);
    }

    @Test
    void fourParallelToolCallsLandAsFourVersions() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("boot_app");
             ConfigurableApplicationContext context = start(db, "--gapless.strategy=group-commit")) {
            ToolExecutor executor = context.getBean(ToolExecutor.class);
            List<ToolCall> calls = IntStream.range(0, 4).mapToObj(i -> new ToolCall("call-" + i, "add_code_file",
                    "{\"filename\":\"f" + i + ".txt\",\"language\":\"text\",\"content\":\"" + i + "\"}")).toList();
            List<ToolResult> results = executor.execute("chat-boot", calls);
            assertThat(results).extracting(ToolResult::error).containsOnly(false);
            ArtifactStore store = context.getBean(ArtifactStore.class);
            assertThat(store.strategy().name()).isEqualTo("group-commit");
            UUID id = store.getOrCreate("chat-boot", ToolExecutor.ARTIFACT_TYPE, "").id();
            assertThat(store.history(id)).hasSize(4);
            assertThat(store.latest(id).orElseThrow().snapshot().filenames())
                    .containsExactlyInAnyOrder("f0.txt", "f1.txt", "f2.txt", "f3.txt");
            assertThat(executor.execute("chat-boot", calls)).extracting(ToolResult::error).containsOnly(false);
            assertThat(store.history(id)).as("a replayed answer adds nothing").hasSize(4);
        }
    }
}
