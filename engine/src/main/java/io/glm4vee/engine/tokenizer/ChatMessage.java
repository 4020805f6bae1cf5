package io.glm4vee.engine.tokenizer;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;

import java.util.Set;

/**
 * One chat turn. {@code image} marks the turn that carries the conversation's image (glm-4v
 * takes at most one); {@code metadata} is the text before the newline after the role token,
 * normally empty (tool calls put the function name there).
 */
public record ChatMessage(String role, String content, boolean image, String metadata) {
    public static final Set<String> ROLES = Set.of("system", "user", "assistant", "observation");

    public ChatMessage {
        if (role == null || !ROLES.contains(role)) {
            throw new EngineException(ErrorCode.BAD_REQUEST,
                    "unknown chat role '" + role + "' (expected system, user, assistant or observation)");
        }
        content = content == null ? "" : content;
        metadata = metadata == null ? "" : metadata;
    }

    public ChatMessage(String role, String content, boolean image) {
        this(role, content, image, "");
    }

    public ChatMessage(String role, String content) {
        this(role, content, false, "");
    }
}
