package dev.gapless.springai;

import dev.gapless.executor.ToolCall;
import dev.gapless.executor.ToolDefinition;
import dev.gapless.executor.ToolExecutor;
import dev.gapless.executor.ToolResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.model.tool.ToolExecutionResult;
import org.springframework.ai.tool.execution.DefaultToolExecutionExceptionProcessor;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.ai.tool.execution.ToolExecutionExceptionProcessor;

/**
 * A Spring AI {@link ToolCallingManager} that runs all Gapless tool calls of one assistant message in parallel, as
 * one batch of the Gapless executor, with each call's id ({@link AssistantMessage.ToolCall#id()}) as its idempotency
 * key: a replayed model response adds nothing. Calls of other tools offered in the prompt go to a delegate manager
 * (by default Spring AI's own), and their responses keep their place in the message's order; a call of a tool nobody
 * offers gets the executor's "unknown tool" error.
 *
 * <p>Use it where Spring AI takes a tool calling manager, e.g. {@code ToolCallAdvisor.builder()
 * .toolCallingManager(manager)}, and offer the tools to the model with {@link GaplessToolCallbacks#of}. The chat is
 * the prompt's tool context entry {@value GaplessToolCallbacks#CHAT_ID}, else the executor's default chat.
 *
 * <p>Spring AI's tool responses (1.1 and 2.0) carry no error flag: an error result goes through the
 * {@link ToolExecutionExceptionProcessor} as a {@link ToolExecutionException}, as a failing callback does (by default
 * its message becomes the response; configured to, the processor rethrows), and the ids of the failed calls are in
 * the response message's metadata under {@value #ERRORS}. Thread-safe.
 */
public final class GaplessToolCallingManager implements ToolCallingManager {

    /** Metadata key of the tool response message: the ids of the calls that failed. */
    public static final String ERRORS = "gapless.errors";

    private final ToolExecutor executor;
    private final ToolCallingManager delegate;
    private final ToolExecutionExceptionProcessor processor;
    private final Set<String> gaplessTools;
    private final Map<String, org.springframework.ai.tool.definition.ToolDefinition> definitions = new HashMap<>();

    private GaplessToolCallingManager(ToolExecutor executor, ToolCallingManager delegate,
            ToolExecutionExceptionProcessor processor) {
        this.executor = executor;
        this.delegate = delegate;
        this.processor = processor;
        this.gaplessTools = Set.copyOf(executor.catalog().names());
        for (ToolDefinition tool : executor.catalog().tools()) {
            definitions.put(tool.name(), GaplessToolCallbacks.definition(tool));
        }
    }

    /**
     * A manager with Spring AI's default manager for other tools and its default exception processor.
     *
     * @param executor the Gapless executor
     * @return the manager
     * @throws NullPointerException if {@code executor} is {@code null}
     */
    public static GaplessToolCallingManager create(ToolExecutor executor) {
        return create(executor, ToolCallingManager.builder().build(),
                DefaultToolExecutionExceptionProcessor.builder().build());
    }

    /**
     * A manager with the given delegate (for tools that are not Gapless's) and exception processor.
     *
     * @param executor  the Gapless executor
     * @param delegate  runs the calls of other tools, and resolves the tools the prompt offers
     * @param processor turns a failed Gapless call into its response, or rethrows it
     * @return the manager
     * @throws NullPointerException if an argument is {@code null}
     */
    public static GaplessToolCallingManager create(ToolExecutor executor, ToolCallingManager delegate,
            ToolExecutionExceptionProcessor processor) {
        return new GaplessToolCallingManager(Objects.requireNonNull(executor, "executor"),
                Objects.requireNonNull(delegate, "delegate"), Objects.requireNonNull(processor, "processor"));
    }

    @Override
    public List<org.springframework.ai.tool.definition.ToolDefinition> resolveToolDefinitions(
            ToolCallingChatOptions chatOptions) {
        return delegate.resolveToolDefinitions(chatOptions);
    }

    private org.springframework.ai.tool.definition.ToolDefinition definitionOf(String name) {
        org.springframework.ai.tool.definition.ToolDefinition known = definitions.get(name);
        return known != null ? known : org.springframework.ai.tool.definition.ToolDefinition.builder()
                .name(String.valueOf(name)).description("a tool this application does not offer")
                .inputSchema("{\"type\":\"object\"}").build();
    }

    /**
     * The other tools the prompt offers: those the delegate resolves for its options, less Gapless's. Asking the
     * delegate (rather than reading the options' callbacks and tool names) keeps this one source for Spring AI 1.1,
     * whose options also name tools to resolve, and 2.0, whose options only hold callbacks.
     */
    private Set<String> otherTools(Prompt prompt) {
        Set<String> names = new java.util.HashSet<>();
        if (prompt.getOptions() instanceof ToolCallingChatOptions options) {
            delegate.resolveToolDefinitions(options).forEach(d -> names.add(d.name()));
        }
        names.removeAll(gaplessTools);
        return names;
    }

    /**
     * Runs the tool calls of the response's first generation that has any: the Gapless ones together, in parallel,
     * the others through the delegate; returns the conversation with the assistant message and one tool response
     * message (one response per call, in the message's order) appended.
     *
     * @throws IllegalStateException if no generation has tool calls, or no chat is given
     */
    @Override
    public ToolExecutionResult executeToolCalls(Prompt prompt, ChatResponse chatResponse) {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(chatResponse, "chatResponse");
        AssistantMessage message = chatResponse.getResults().stream().map(Generation::getOutput)
                .filter(AssistantMessage::hasToolCalls).findFirst()
                .orElseThrow(() -> new IllegalStateException("No tool call requested by the chat model"));

        List<AssistantMessage.ToolCall> calls = message.getToolCalls();
        Set<String> otherTools = calls.stream().allMatch(c -> gaplessTools.contains(c.name())) ? Set.of()
                : otherTools(prompt);
        List<ToolCall> ours = new ArrayList<>();
        List<AssistantMessage.ToolCall> others = new ArrayList<>();
        for (AssistantMessage.ToolCall call : calls) {
            // a tool nobody offers is answered by the executor ("unknown tool …") as an error result
            if (gaplessTools.contains(call.name()) || !otherTools.contains(call.name())) {
                ours.add(new ToolCall(call.id(), call.name(), call.arguments()));
            } else {
                others.add(call);
            }
        }
        Map<String, ToolResponseMessage.ToolResponse> byId = new HashMap<>();
        List<String> errors = new ArrayList<>();
        if (!ours.isEmpty()) {
            String chat = GaplessToolCallbacks.chatOf(executor, prompt.getOptions() instanceof ToolCallingChatOptions o
                    ? o.getToolContext() : null);
            for (ToolResult result : executor.execute(chat, ours)) {
                String data = result.content();
                if (result.error()) {
                    errors.add(result.id());
                    data = processor.process(new ToolExecutionException(definitionOf(result.name()),
                            new GaplessToolCallbacks.ToolCallFailedException(result.content())));
                }
                byId.put(result.id(), new ToolResponseMessage.ToolResponse(result.id(), result.name(), data));
            }
        }
        boolean returnDirect = false;
        if (!others.isEmpty()) {
            AssistantMessage theirs = AssistantMessage.builder().content(message.getText())
                    .properties(message.getMetadata()).toolCalls(others).build();
            ToolExecutionResult result = delegate.executeToolCalls(prompt,
                    new ChatResponse(List.of(new Generation(theirs))));
            returnDirect = ours.isEmpty() && result.returnDirect();
            List<Message> history = result.conversationHistory();
            if (history.get(history.size() - 1) instanceof ToolResponseMessage responses) {
                responses.getResponses().forEach(r -> byId.put(r.id(), r));
            }
        }
        List<ToolResponseMessage.ToolResponse> responses = new ArrayList<>(calls.size());
        for (AssistantMessage.ToolCall call : calls) {
            responses.add(byId.getOrDefault(call.id(), new ToolResponseMessage.ToolResponse(call.id(), call.name(),
                    "{\"error\":\"the tool call was not run\"}")));
        }
        List<Message> conversation = new ArrayList<>(prompt.getInstructions());
        conversation.add(message);
        conversation.add(ToolResponseMessage.builder().responses(responses)
                .metadata(Map.of(ERRORS, List.copyOf(errors))).build());
        return ToolExecutionResult.builder().conversationHistory(conversation).returnDirect(returnDirect).build();
    }
}
