package dev.gapless.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gapless.core.AppendEvent;
import dev.gapless.core.AppendListener;
import dev.gapless.core.ArtifactStore;
import dev.gapless.core.Change;
import dev.gapless.core.CodeFile;
import dev.gapless.core.InvalidChangeException;
import dev.gapless.core.Schema;
import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.micrometer.GaplessMetrics;
import dev.gapless.springai.GaplessToolCallbacks;
import dev.gapless.springai.GaplessToolCallingManager;
import dev.gapless.testkit.PostgresExtension;
import dev.gapless.testkit.TestDatabase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/** The auto-configuration in isolation: {@code ApplicationContextRunner} with a DataSource on the embedded server. */
class GaplessAutoConfigurationTest {

    @RegisterExtension
    static final PostgresExtension PG = PostgresExtension.create();

    static ApplicationContextRunner runner(DataSource dataSource) {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(GaplessMetricsAutoConfiguration.class,
                        GaplessAutoConfiguration.class, GaplessSpringAiAutoConfiguration.class))
                // not the pool itself: the context would close it with itself
                .withBean(DataSource.class, () -> new DelegatingDataSource(dataSource));
    }

    @Test
    void aStoreAndAnExecutorOnTheApplicationsDataSourceWithTheSchemaApplied() {
        runner(PG.dataSource()).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(ArtifactStore.class).hasSingleBean(ToolExecutor.class);
            assertThat(Schema.appliedVersion(PG.dataSource())).isEqualTo(Schema.latestVersion());
            ArtifactStore store = context.getBean(ArtifactStore.class);
            assertThat(store.strategy().name()).isEqualTo("row-lock");
            UUID id = store.getOrCreate("chat-ctx", "code", "t").id();
            assertThat(store.append(id, Change.put(CodeFile.of("a.txt", "a"))).version()).isEqualTo(1);
            assertThat(context.getBean(ToolExecutor.class).execute("chat-ctx", new ToolCall("c1", "add_code_file",
                    "{\"filename\":\"b.txt\",\"language\":\"text\",\"content\":\"b\"}")).error()).isFalse();
            assertThat(store.latest(id).orElseThrow().snapshot().filenames()).containsExactly("a.txt", "b.txt");
        });
    }

    @Test
    void gaplessPropertiesConfigureTheStoreAndTheExecutor() {
        runner(PG.dataSource())
                .withPropertyValues("gapless.strategy=server-function", "gapless.max-files=2",
                        "gapless.timeout=5s", "gapless.executor.max-parallelism=3")
                .run(context -> {
                    ArtifactStore store = context.getBean(ArtifactStore.class);
                    assertThat(store.strategy().name()).isEqualTo("server-function");
                    assertThat(context.getBean(ToolExecutor.class).maxParallelism()).isEqualTo(3);
                    UUID id = store.getOrCreate("chat-props", "code", "t").id();
                    store.append(id, Change.put(CodeFile.of("a.txt", "a")));
                    store.append(id, Change.put(CodeFile.of("b.txt", "b")));
                    assertThatThrownBy(() -> store.append(id, Change.put(CodeFile.of("c.txt", "c"))))
                            .isInstanceOf(InvalidChangeException.class).hasMessageContaining("limit of 2");
                });
    }

    @Test
    void anUnknownStrategyStopsTheStartWithAMessageNamingTheProperty() {
        runner(PG.dataSource()).withPropertyValues("gapless.strategy=fastest").run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootCause(context.getStartupFailure())).hasMessageStartingWith(
                    "gapless.strategy: unknown write strategy 'fastest'; known: [");
        });
    }

    @Test
    void aNonPositiveLimitStopsTheStartWithAMessageNamingTheProperty() {
        runner(PG.dataSource()).withPropertyValues("gapless.max-file-bytes=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootCause(context.getStartupFailure())).hasMessageStartingWith("gapless.max-file-bytes: ");
        });
    }

    @Test
    void gaplessTablesGoToTheSchemaNamedAndThePublicSchemaStaysEmpty() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("boot_schema")) {
            DataSource one = db.newDataSource(1); // one connection: the one Gapless used is the one checked below
            runner(one).withPropertyValues("gapless.schema.name=agents").run(context -> {
                ArtifactStore store = context.getBean(ArtifactStore.class);
                UUID id = store.getOrCreate("chat-schema", "code", "t").id();
                assertThat(store.append(id, Change.put(CodeFile.of("a.txt", "a"))).version()).isEqualTo(1);
                assertThat(context.getBean(GaplessDatabase.class).schema()).isEqualTo("agents");
            });
            assertThat(count(db.dataSource(), "SELECT count(*) FROM agents.artifact_versions")).isEqualTo(1);
            assertThat(count(db.dataSource(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                    .isZero();
            try (Connection c = one.getConnection(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SHOW search_path")) {
                r.next();
                assertThat(r.getString(1)).as("the pool's connections are back on their own search_path")
                        .isEqualTo("\"$user\", public");
            }
        }
    }

    @Test
    void applyFalseLeavesTheSchemaAlone() throws Exception {
        try (TestDatabase db = PG.server().createDatabase("boot_no_apply")) {
            runner(db.dataSource()).withPropertyValues("gapless.schema.apply=false").run(context -> {
                assertThat(context).hasNotFailed().hasSingleBean(ArtifactStore.class);
            });
            assertThat(count(db.dataSource(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
                    .isZero();
        }
    }

    @Test
    void nothingWithoutADataSourceOrWhenDisabled() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(GaplessAutoConfiguration.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ArtifactStore.class));
        runner(PG.dataSource()).withPropertyValues("gapless.enabled=false").run(context -> assertThat(context)
                .hasNotFailed().doesNotHaveBean(ArtifactStore.class).doesNotHaveBean(GaplessMetrics.class));
    }

    @Test
    void theApplicationsOwnStoreWins() {
        ArtifactStore own = ArtifactStore.builder(PG.dataSource()).strategy(
                dev.gapless.core.strategy.WriteStrategy.advisoryLock()).build();
        runner(PG.dataSource()).withBean(ArtifactStore.class, () -> own).run(context -> {
            assertThat(context.getBean(ArtifactStore.class)).isSameAs(own);
            assertThat(context.getBean(ToolExecutor.class)).isNotNull();
        });
    }

    @Test
    void springAiToolCallbacksAndTheParallelManagerWhenSpringAiIsPresent() {
        runner(PG.dataSource()).run(context -> {
            ToolCallbackProvider tools = context.getBean("gaplessToolCallbacks", ToolCallbackProvider.class);
            assertThat(Arrays.stream(tools.getToolCallbacks()).map(t -> t.getToolDefinition().name()))
                    .contains("add_code_file", "list_code_files").hasSize(
                            context.getBean(ToolExecutor.class).catalog().tools().size());
            assertThat(context.getBean(ToolCallingManager.class)).isInstanceOf(GaplessToolCallingManager.class);
        });
        runner(PG.dataSource()).withPropertyValues("gapless.spring-ai.tool-calling-manager=false")
                .run(context -> assertThat(context).doesNotHaveBean(ToolCallingManager.class)
                        .hasBean("gaplessToolCallbacks"));
        runner(PG.dataSource()).withClassLoader(new FilteredClassLoader(GaplessToolCallbacks.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ToolCallbackProvider.class)
                        .doesNotHaveBean(ToolCallingManager.class));
    }

    @Test
    void micrometerMetersCountTheStoresAppendsWhenMicrometerIsPresent() {
        runner(PG.dataSource()).withPropertyValues("gapless.strategy=advisory-lock").run(context -> {
            MeterRegistry registry = new SimpleMeterRegistry();
            context.getBean(GaplessMetrics.class).bindTo(registry);
            ArtifactStore store = context.getBean(ArtifactStore.class);
            UUID id = store.getOrCreate("chat-metrics", "code", "t").id();
            store.append(id, Change.put(CodeFile.of("a.txt", "a")));
            assertThat(registry.get("gapless.append").tag("strategy", "advisory-lock").timer().count())
                    .isEqualTo(1);
            assertThat(registry.get("gapless.executor.queued").gauge().value()).isZero();
        });
        runner(PG.dataSource()).withClassLoader(new FilteredClassLoader(GaplessMetrics.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(GaplessMetrics.class)
                        .hasSingleBean(ArtifactStore.class));
    }

    @Test
    void everyAppendListenerBeanHearsTheStoresAppendsBesideTheMeters() {
        List<AppendEvent> heard = new CopyOnWriteArrayList<>();
        AppendListener own = new AppendListener() {
            @Override
            public void onEvent(AppendEvent event) {
                heard.add(event);
            }
        };
        runner(PG.dataSource()).withBean("ownListener", AppendListener.class, () -> own).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBeansOfType(AppendListener.class)).hasSize(2);
            MeterRegistry registry = new SimpleMeterRegistry();
            context.getBean(GaplessMetrics.class).bindTo(registry);
            ArtifactStore store = context.getBean(ArtifactStore.class);
            UUID id = store.getOrCreate("chat-listeners-" + UUID.randomUUID(), "code", "t").id();
            store.append(id, Change.put(CodeFile.of("a.txt", "a")));
            assertThat(registry.get("gapless.append").tag("strategy", "row-lock").timer().count()).isEqualTo(1);
            assertThat(heard).hasSize(2).last().isInstanceOf(AppendEvent.Succeeded.class);
        });
    }

    static Throwable rootCause(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static long count(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }
}
