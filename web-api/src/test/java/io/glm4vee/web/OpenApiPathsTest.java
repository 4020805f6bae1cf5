package io.glm4vee.web;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Whichever application path the scanner put in front, each path ends up under its own application. */
class OpenApiPathsTest {

    private final OpenApiPaths filter = new OpenApiPaths();

    @Test
    void nativePathsStayUnderApi() {
        assertEquals("/api/v1/chat", filter.fix("/api/v1/chat"));
        assertEquals("/api/v1/chat", filter.fix("/v1/v1/chat"));
        assertEquals("/api/v1/contexts/{id}/drain", filter.fix("/v1/v1/contexts/{id}/drain"));
        assertEquals("/api/v1/sessions/{id}", filter.fix("/api/v1/sessions/{id}"));
    }

    @Test
    void openAiPathsGoUnderV1() {
        assertEquals("/v1/chat/completions", filter.fix("/api/chat/completions"));
        assertEquals("/v1/chat/completions", filter.fix("/v1/chat/completions"));
        assertEquals("/v1/models", filter.fix("/api/models"));
        assertEquals("/v1/models/{model}", filter.fix("/api/models/{model}"));
    }

    @Test
    void unknownPathsAreLeftAlone() {
        assertEquals("/somewhere/else", filter.fix("/somewhere/else"));
    }
}
