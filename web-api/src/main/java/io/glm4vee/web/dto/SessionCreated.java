package io.glm4vee.web.dto;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Answer of POST /api/v1/sessions: {"session": id}. */
@Schema(name = "SessionCreated", description = "A new chat session")
public record SessionCreated(@Schema(description = "its id, for the session field of chat requests") String session) {
}
