package io.glm4vee.ra.api;

import java.util.List;

/**
 * A lease on one device context (a model replica on tp cards). Calls made inside a JTA or
 * local transaction follow the adapter's transaction rules: session turns, token usage and
 * deferred jobs take effect on commit and vanish on rollback. Outside a transaction each call
 * commits by itself. Not thread-safe: one connection per thread, closed after use.
 */
public interface InferenceConnection extends AutoCloseable {

    /** Generates an answer. */
    ChatResponse chat(ChatRequest request);

    /** Generates an answer, handing each new piece of text to the stream as it is produced. */
    ChatResponse chat(ChatRequest request, TokenStream stream);

    /** A new chat session for the caller; its turns are kept by the context that holds it. */
    String openSession(String caller);

    /** Ends a session and releases its KV cache. */
    void closeSession(String sessionId);

    /** The committed turns of a session, oldest first. */
    List<ChatMessage> sessionHistory(String sessionId);

    /** Submits an asynchronous job; inside a transaction it starts only after commit. */
    JobStatus submit(ChatRequest request);

    JobStatus job(String jobId);

    UsageReport usage(String caller);

    List<DeviceInfo> devices();

    List<ContextInfo> contexts();

    /** Admin: stop giving new work to a context, wait for its work to finish. */
    void drain(String contextId);

    /** Admin: replace a context's device group and model replica. */
    void rebuild(String contextId);

    /**
     * The adapter's counters and gauges of every context and card (queue, state, rebuilds, busy
     * time, memory, contiguity copies). An implementation without them reports none.
     */
    default MetricsSnapshot metrics() {
        return MetricsSnapshot.empty();
    }

    /**
     * The adapter's settings in effect (its JavaBean properties after validation, by property
     * name: modelPath, devices, tensorParallelSize, contexts, queueDepth, ...), so that a change made
     * in the server's configuration can be seen to have arrived. An implementation without them
     * reports none.
     */
    default java.util.Map<String, String> settings() {
        return java.util.Map.of();
    }

    @Override
    void close();
}
