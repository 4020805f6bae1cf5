package io.glm4vee.web.dto;

import io.glm4vee.ra.api.ChatResponse;
import jakarta.json.bind.annotation.JsonbProperty;

/**
 * The native chat answer: {"text", "finish_reason", "usage": {"prompt_tokens",
 * "completion_tokens"}, "session"?, "context"?}. finish_reason is stop, length or cancelled;
 * context names the device context that answered (for operators).
 */
public record ChatReply(String text,
                        @JsonbProperty("finish_reason") String finishReason,
                        TokenUsage usage,
                        String session,
                        String context) {

    public static ChatReply of(ChatResponse r) {
        return r == null ? null : new ChatReply(r.text(), r.finishReason(),
                new TokenUsage(r.promptTokens(), r.completionTokens()), r.session(), r.context());
    }
}
