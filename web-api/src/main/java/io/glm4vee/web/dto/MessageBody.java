package io.glm4vee.web.dto;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * One message: role (system, user, assistant, observation), content (text), image (optional:
 * base64 PNG or JPEG, also as a data: URL; at most one message of a conversation has one).
 */
@Schema(name = "Message", description = "One message of a chat request")
public record MessageBody(@Schema(required = true, enumeration = {"system", "user", "assistant", "observation"})
                          String role,
                          @Schema(description = "the text (may be left out on the message that carries the image)")
                          String content,
                          @Schema(description = "base64 PNG or JPEG (standard or URL-safe, padding optional) or a "
                                  + "data:image/...;base64, URL; at most one per conversation, on a user message")
                          String image) {

    public static final List<String> FIELDS = List.of("role", "content", "image");
}
