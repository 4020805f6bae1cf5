package io.glm4vee.web.openai;

import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;

import java.util.List;

/**
 * A checked POST /v1/chat/completions request, in the client API's terms.
 *
 * @param model        the served model's id (whatever name or alias the request gave)
 * @param messages     the conversation; the message with the image has its image flag set
 * @param image        the one image (PNG or JPEG bytes), or null
 * @param maxTokens    max_completion_tokens / max_tokens, or the configured default
 * @param temperature  null: the model's generation config; 0: greedy
 * @param stream       answer as server-sent chat.completion.chunk events
 * @param includeUsage stream_options.include_usage: a last chunk with the usage
 */
public record CompletionRequest(String model, List<ChatMessage> messages, byte[] image, int maxTokens,
                                Double temperature, Double topP, Long seed, List<String> stop, boolean stream,
                                boolean includeUsage) {

    public CompletionRequest {
        messages = List.copyOf(messages);
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    /** The caller is left null: the EJB charges the authenticated principal. */
    public ChatRequest toChatRequest() {
        return new ChatRequest(null, messages, image, maxTokens, temperature, topP, null, seed, stop, null);
    }
}
