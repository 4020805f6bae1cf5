package io.glm4vee.web.dto;

import io.glm4vee.ra.api.ChatMessage;
import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;

/** Answer of GET /api/v1/sessions/{id}: {"session", "messages": [{"role", "content", "has_image"?}]}. */
public record SessionHistory(String session, List<Turn> messages) {

    /** One committed turn; has_image is present (true) only on the message that carried the image. */
    public record Turn(String role, String content, @JsonbProperty("has_image") Boolean hasImage) {
    }

    public static SessionHistory of(String session, List<ChatMessage> history) {
        return new SessionHistory(session, history.stream()
                .map(m -> new Turn(m.role(), m.content(), m.image() ? Boolean.TRUE : null))
                .toList());
    }
}
