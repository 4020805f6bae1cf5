package io.glm4vee.web.dto;

import jakarta.json.bind.annotation.JsonbProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * The native chat request: {"messages": [...], "max_tokens"?, "temperature"?, "top_p"?,
 * "seed"?, "session"?}. Unknown fields are refused (400 INVALID_FIELD), so a typo such as
 * "max_token" is reported instead of silently ignored.
 */
@Schema(name = "ChatBody", description = "A native chat request; unknown fields are refused (400 INVALID_FIELD)")
public record ChatBody(@Schema(required = true, description = "the conversation, oldest first (in a session: this "
                               + "turn only); one image per conversation, on a user message") List<MessageBody> messages,
                       @Schema(description = "new tokens at most (1..glm4v.limits.max-new-tokens, default "
                               + "glm4v.api.default-max-tokens)", minimum = "1") @JsonbProperty("max_tokens") Integer maxTokens,
                       @Schema(description = "0 = greedy; absent = the model's generation config", minimum = "0",
                               maximum = "2") Double temperature,
                       @Schema(description = "nucleus sampling, (0, 1]", minimum = "0", exclusiveMinimum = true,
                               maximum = "1") @JsonbProperty("top_p") Double topP,
                       @Schema(description = "random seed of sampling") Long seed,
                       @Schema(description = "a session id from POST /api/v1/sessions") String session) {

    /** The JSON field names, in the order the schema lists them. */
    public static final List<String> FIELDS = List.of("messages", "max_tokens", "temperature", "top_p", "seed", "session");
}
