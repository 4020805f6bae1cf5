package io.glm4vee.web.dto;

/** Answer of POST /api/v1/sessions: {"session": id}. */
public record SessionCreated(String session) {
}
