package io.glm4vee.web.dto;

import io.glm4vee.ra.api.ChatMessage;
import jakarta.json.bind.annotation.JsonbProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** Answer of GET /api/v1/sessions/{id}: {"session", "messages": [{"role", "content", "has_image"?}]}. */
@Schema(name = "SessionHistory", description = "The committed turns of a session, oldest first")
public record SessionHistory(@Schema(description = "the session id") String session,
                             @Schema(description = "committed turns, oldest first") List<Turn> messages) {

    /** One committed turn; has_image is present (true) only on the message that carried the image. */
    @Schema(name = "SessionMessage")
    public record Turn(@Schema(enumeration = {"system", "user", "assistant", "observation"}) String role,
                       @Schema(description = "the text") String content,
                       @Schema(description = "true on the message that carried the image (absent otherwise)")
                       @JsonbProperty("has_image") Boolean hasImage) {
    }

    public static SessionHistory of(String session, List<ChatMessage> history) {
        return new SessionHistory(session, history.stream()
                .map(m -> new Turn(m.role(), m.content(), m.image() ? Boolean.TRUE : null))
                .toList());
    }
}
