package dev.gapless.springai;

import java.util.List;
import java.util.Map;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.tool.ToolCallback;

/**
 * Every test of {@link GaplessSpringAiTest} again, with the ChatClient wired the Spring AI 2.0 way, as the integration
 * guide shows it for Spring Boot 4: the {@code ToolCallingAdvisor} (2.0 deprecates {@code ToolCallAdvisor} for removal)
 * and {@code tools(…)} (2.0 deprecates {@code toolCallbacks(…)} for removal). Spring AI 1.1 has neither in this form,
 * so this subclass is this module's own; the superclass runs here too, through the deprecated API.
 */
class GaplessSpringAi2Test extends GaplessSpringAiTest {

    @Override
    String ask(ChatModel model, ToolCallingManager manager, List<ToolCallback> tools) {
        return ChatClient.builder(model)
                .defaultAdvisors(ToolCallingAdvisor.builder().toolCallingManager(manager).build())
                .build().prompt().user("write the blink sketch")
                .tools(tools)
                .toolContext(Map.of(GaplessToolCallbacks.CHAT_ID, chat))
                .call().content();
    }
}
