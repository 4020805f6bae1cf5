package io.glm4vee.ra.api;

import java.io.Serializable;

/**
 * One message of a conversation. role: system, user, assistant or observation. image marks
 * the message that carries the request's image (at most one per conversation).
 */
public record ChatMessage(String role, String content, boolean image) implements Serializable {
    public ChatMessage(String role, String content) {
        this(role, content, false);
    }
}
