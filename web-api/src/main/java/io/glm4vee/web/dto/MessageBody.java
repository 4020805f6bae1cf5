package io.glm4vee.web.dto;

import java.util.List;

/**
 * One message: role (system, user, assistant, observation), content (text), image (optional:
 * base64 PNG or JPEG, also as a data: URL; at most one message of a conversation has one).
 */
public record MessageBody(String role, String content, String image) {

    public static final List<String> FIELDS = List.of("role", "content", "image");
}
