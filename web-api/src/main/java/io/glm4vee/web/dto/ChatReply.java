package io.glm4vee.web.dto;

import io.glm4vee.ra.api.ChatResponse;
import jakarta.json.bind.annotation.JsonbProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The native chat answer: {"text", "finish_reason", "usage": {"prompt_tokens",
 * "completion_tokens"}, "session"?, "context"?}. finish_reason is stop, length or cancelled;
 * context names the device context that answered (for operators).
 */
@Schema(name = "ChatReply", description = "A chat answer")
public record ChatReply(@Schema(description = "the answer") String text,
                        @Schema(enumeration = {"stop", "length", "cancelled"})
                        @JsonbProperty("finish_reason") String finishReason,
                        @Schema(description = "tokens of this answer") TokenUsage usage,
                        @Schema(description = "the session, when the request named one") String session,
                        @Schema(description = "the device context that answered") String context) {

    public static ChatReply of(ChatResponse r) {
        return r == null ? null : new ChatReply(r.text(), r.finishReason(),
                new TokenUsage(r.promptTokens(), r.completionTokens()), r.session(), r.context());
    }
}
