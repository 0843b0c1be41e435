package dev.gapless.springboot;

import dev.gapless.executor.ToolExecutor;
import dev.gapless.springai.GaplessToolCallbacks;
import dev.gapless.springai.GaplessToolCallingManager;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * Gapless's tools for Spring AI when gapless-spring-ai (or gapless-spring-ai-2) is on the class path: a
 * {@link ToolCallbackProvider} of the executor's tools, and a {@link GaplessToolCallingManager} as the application's
 * {@link ToolCallingManager} (before Spring AI's own, which then backs off), so that one assistant message's Gapless
 * calls run in parallel, each keyed by its tool-call id. {@code gapless.spring-ai.tool-calling-manager=false} keeps
 * Spring AI's manager.
 */
@AutoConfiguration(after = GaplessAutoConfiguration.class,
        beforeName = "org.springframework.ai.model.tool.autoconfigure.ToolCallingAutoConfiguration")
@ConditionalOnClass({GaplessToolCallbacks.class, ToolCallback.class})
@ConditionalOnBean(ToolExecutor.class)
public class GaplessSpringAiAutoConfiguration {

    /** Creates the auto-configuration; Spring calls it. */
    public GaplessSpringAiAutoConfiguration() {
    }

    /**
     * The executor's tools as Spring AI tool callbacks; the chat is the tool context's
     * {@link GaplessToolCallbacks#CHAT_ID}.
     *
     * @param executor the executor
     * @return the callbacks
     */
    @Bean
    @ConditionalOnMissingBean(name = "gaplessToolCallbacks")
    public ToolCallbackProvider gaplessToolCallbacks(ToolExecutor executor) {
        return ToolCallbackProvider.from(GaplessToolCallbacks.of(executor));
    }

    /**
     * Runs one message's Gapless calls in parallel, others through Spring AI's own manager.
     *
     * @param executor the executor
     * @return the manager
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "gapless.spring-ai", name = "tool-calling-manager", havingValue = "true",
            matchIfMissing = true)
    public ToolCallingManager gaplessToolCallingManager(ToolExecutor executor) {
        return GaplessToolCallingManager.create(executor);
    }
}
