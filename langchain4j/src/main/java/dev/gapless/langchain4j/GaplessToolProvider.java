package dev.gapless.langchain4j;

import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolDefinition;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.ToolResult;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.service.tool.ToolProviderRequest;
import dev.langchain4j.service.tool.ToolProviderResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The Gapless tools ({@code add_code_file}, {@code get_code_file}, …) as a LangChain4j {@link ToolProvider}: one
 * {@link ToolSpecification} and one {@link dev.langchain4j.service.tool.ToolExecutor} per tool, each running its call
 * through a shared Gapless {@link ToolExecutor}. The chat is the AI service's chat memory id (the {@code @MemoryId}
 * argument, or {@code "default"}), mapped by a function you may give; {@link ToolExecutionRequest#id()} is the
 * idempotency key, so a replayed model response adds nothing.
 *
 * <pre>{@code
 * ToolExecutor gapless = ToolExecutor.builder(store).build();
 * Assistant assistant = AiServices.builder(Assistant.class)
 *         .chatModel(model)
 *         .toolProvider(GaplessToolProvider.create(gapless))
 *         .executeToolsConcurrently()          // the model's parallel calls run in parallel
 *         .build();
 * }</pre>
 *
 * <p>A failed call (invalid arguments, unknown file, a storage failure) is a {@link ToolExecutionResult} with
 * {@code isError() == true} and a message for the model; LangChain4j marks its result message as an error. A call of
 * a tool that does not exist never reaches a provider: register {@link #unknownTool} as the AI service's
 * {@code hallucinatedToolNameStrategy} to answer it the same way. Thread-safe.
 */
public final class GaplessToolProvider implements ToolProvider {

    private final ToolExecutor executor;
    private final Function<Object, String> chatOfMemoryId;
    private final ToolProviderResult tools;

    private GaplessToolProvider(ToolExecutor executor, Function<Object, String> chatOfMemoryId) {
        this.executor = executor;
        this.chatOfMemoryId = chatOfMemoryId;
        Map<ToolSpecification, dev.langchain4j.service.tool.ToolExecutor> map = new LinkedHashMap<>();
        for (ToolDefinition tool : executor.catalog().tools()) {
            map.put(specification(tool), new Call());
        }
        this.tools = ToolProviderResult.builder().addAll(map).build();
    }

    /**
     * A provider whose chat is the chat memory id as text.
     *
     * @param executor the Gapless executor that runs the calls (shared by every chat)
     * @return the provider
     * @throws NullPointerException if {@code executor} is {@code null}
     */
    public static GaplessToolProvider create(ToolExecutor executor) {
        return create(executor, String::valueOf);
    }

    /**
     * A provider whose chat is derived from the chat memory id.
     *
     * @param executor       the Gapless executor that runs the calls
     * @param chatOfMemoryId the chat of a memory id ({@code "default"} when the AI service has no {@code @MemoryId})
     * @return the provider
     * @throws NullPointerException if an argument is {@code null}
     */
    public static GaplessToolProvider create(ToolExecutor executor, Function<Object, String> chatOfMemoryId) {
        return new GaplessToolProvider(Objects.requireNonNull(executor, "executor"),
                Objects.requireNonNull(chatOfMemoryId, "chatOfMemoryId"));
    }

    /**
     * The tool specification LangChain4j gives the model for one Gapless tool.
     *
     * @param tool the tool
     * @return its specification
     */
    public static ToolSpecification specification(ToolDefinition tool) {
        return ToolSpecification.builder().name(tool.name()).description(tool.description())
                .parameters(JsonSchemas.object(tool.inputSchema())).build();
    }

    @Override
    public ToolProviderResult provideTools(ToolProviderRequest request) {
        return tools;
    }

    /**
     * The answer to a call of a tool that does not exist, for
     * {@code AiServices.hallucinatedToolNameStrategy(provider::unknownTool)}: an error result naming the tools that
     * exist, as the other formats get, where LangChain4j's default strategy throws out of the AI service instead.
     * (LangChain4j 1.19 passes on only the text of this message, so the model sees the error text without the
     * error flag.)
     *
     * @param request the call of an unknown tool
     * @return an error result for the model; nothing is written
     */
    public ToolExecutionResultMessage unknownTool(ToolExecutionRequest request) {
        ToolResult result = run(request, null);
        return ToolExecutionResultMessage.builder().id(request.id()).toolName(request.name()).text(result.content())
                .isError(result.error()).build();
    }

    private ToolResult run(ToolExecutionRequest request, Object memoryId) {
        String chat = chatOfMemoryId.apply(memoryId == null ? "default" : memoryId);
        return executor.execute(chat, new ToolCall(request.id(), request.name(), request.arguments()));
    }

    /** One tool's executor: the same for every tool, as the call names its tool. */
    private final class Call implements dev.langchain4j.service.tool.ToolExecutor {

        @Override
        public String execute(ToolExecutionRequest request, Object memoryId) {
            return run(request, memoryId).content();
        }

        @Override
        public ToolExecutionResult executeWithContext(ToolExecutionRequest request, InvocationContext context) {
            ToolResult result = run(request, context == null ? null : context.chatMemoryId());
            return ToolExecutionResult.builder().isError(result.error()).resultText(result.content()).build();
        }
    }
}
