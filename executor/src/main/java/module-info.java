/**
 * Gapless executor: runs a model's tool calls (OpenAI, Anthropic shapes) for many chats against a core
 * {@code ArtifactStore}. The API is {@code dev.gapless.executor} (the executor, calls, results, the tool catalog, the
 * wording of failures), {@code dev.gapless.executor.format} (the wire formats) and {@code dev.gapless.executor.json}
 * (the bounded, strict JSON reading the formats use, which the MCP server and the command line share).
 * {@code dev.gapless.executor.internal} (the worker pool, the call runner) and
 * {@code dev.gapless.executor.internal.tools} (each tool as one class, and the registry that holds them) are not
 * exported.
 */
module dev.gapless.executor {
    requires transitive dev.gapless.core;
    // the unified diff of get_code_diff; and the TextMerger core loads, so that whole-file writes from an older
    // view merge
    requires dev.gapless.text;
    requires transitive com.fasterxml.jackson.databind;
    requires com.networknt.schema;
    requires org.slf4j;

    exports dev.gapless.executor;
    exports dev.gapless.executor.format;
    exports dev.gapless.executor.json;
}
