package io.glm4vee.web.dto;

import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;

/**
 * The native chat request: {"messages": [...], "max_tokens"?, "temperature"?, "top_p"?,
 * "seed"?, "session"?}. Unknown fields are refused (400 INVALID_FIELD), so a typo such as
 * "max_token" is reported instead of silently ignored.
 */
public record ChatBody(List<MessageBody> messages,
                       @JsonbProperty("max_tokens") Integer maxTokens,
                       Double temperature,
                       @JsonbProperty("top_p") Double topP,
                       Long seed,
                       String session) {

    /** The JSON field names, in the order the schema lists them. */
    public static final List<String> FIELDS = List.of("messages", "max_tokens", "temperature", "top_p", "seed", "session");
}
