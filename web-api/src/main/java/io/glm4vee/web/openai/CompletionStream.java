package io.glm4vee.web.openai;

import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.TokenStream;
import jakarta.ws.rs.core.StreamingOutput;

import java.io.OutputStream;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The body of a streamed chat completion (text/event-stream), produced while the model
 * generates: a chunk with the role when the first text arrives, a chunk per piece of text, a
 * last chunk with the finish_reason, the usage chunk (no choices) when stream_options.include_usage,
 * then "data: [DONE]".
 *
 * <p>Failures: before the first byte is sent (queue full, quota, prompt too long, a bad image the
 * adapter refuses) the failure is thrown, and the exception mapper answers with the HTTP status
 * and error object, as a non-streamed request gets. After that the status is sent, so the error
 * object goes as the last event instead ({"error": {...}}, no [DONE]), which the SDKs raise.
 * When the client goes away, the next write fails, the TokenStream throws and the adapter stops
 * generating (see {@link ClientDisconnectedException}).
 */
public final class CompletionStream implements StreamingOutput {

    private static final Logger LOG = Logger.getLogger(CompletionStream.class.getName());

    /** The streaming chat of InferenceServiceLocal (a function, so tests need no EJB). */
    @FunctionalInterface
    public interface Generation {
        ChatResponse chat(ChatRequest request, TokenStream stream);
    }

    private final Generation generation;
    private final CompletionRequest request;
    private final String id;
    private final long created;

    public CompletionStream(Generation generation, CompletionRequest request, String id, long created) {
        this.generation = generation;
        this.request = request;
        this.id = id;
        this.created = created;
    }

    @Override
    public void write(OutputStream out) {
        SseWriter sse = new SseWriter(out);
        Chunks chunks = new Chunks(sse);
        ChatResponse answer;
        try {
            answer = generation.chat(request.toChatRequest(), chunks);
        } catch (RuntimeException e) {
            if (isDisconnect(e)) {
                gone(sse);
                return;
            }
            if (!sse.started()) {
                throw e; // nothing sent yet: answered with a status and an error object
            }
            try {
                sse.data(OpenAiJson.error(OpenAiErrors.classify(e).error()));
            } catch (ClientDisconnectedException gone) {
                gone(sse);
            }
            return;
        }
        try {
            chunks.role();
            sse.data(OpenAiJson.chunk(id, created, request.model(), OpenAiJson.emptyDelta(),
                    OpenAiJson.finishReason(answer.finishReason()), request.includeUsage()));
            if (request.includeUsage()) {
                sse.data(OpenAiJson.usageChunk(id, created, request.model(), answer));
            }
            sse.data(SseWriter.DONE);
        } catch (ClientDisconnectedException e) {
            gone(sse); // the answer was complete; only its end was not delivered
        }
    }

    /** The TokenStream side: the role chunk before the first text, then one chunk per piece. */
    private final class Chunks implements TokenStream {
        private final SseWriter sse;
        private boolean roleSent;

        Chunks(SseWriter sse) {
            this.sse = sse;
        }

        void role() {
            if (!roleSent) {
                roleSent = true;
                sse.data(OpenAiJson.chunk(id, created, request.model(), OpenAiJson.roleDelta(), null,
                        request.includeUsage()));
            }
        }

        @Override
        public void onText(String delta) {
            role();
            sse.data(OpenAiJson.chunk(id, created, request.model(), OpenAiJson.contentDelta(delta), null,
                    request.includeUsage()));
        }
    }

    static boolean isDisconnect(Throwable e) {
        Throwable t = e;
        for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
            if (t instanceof ClientDisconnectedException) {
                return true;
            }
        }
        return false;
    }

    private void gone(SseWriter sse) {
        LOG.log(Level.FINE, "GLM4V-OAI-002 {0}: the client closed the stream after {1} events; generation stopped",
                new Object[]{id, sse.events()});
    }
}
