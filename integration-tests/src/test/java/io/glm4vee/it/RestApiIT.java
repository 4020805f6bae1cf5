package io.glm4vee.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Black-box tests of the REST API against the real EAR on Open Liberty (java.net.http, no server
 * classes): the whole path from JSON and base64 image through preprocessing, vision, splice and tp 2
 * decoding; errors as problem+json; the bad-request corpus of web-api.
 */
@ExtendWith(ArquillianExtension.class)
public class RestApiIT {

    @Deployment(testable = false)
    public static EnterpriseArchive deployment() {
        return Deployments.application();
    }

    private final Http http = new Http(ItEnv.baseUri());

    @Test
    void chatWithText() {
        Http.Reply r = http.chat("Who are you?", null);
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        assertEquals(Examples.GREETING, r.text());
        assertEquals("stop", r.json().path("finish_reason").asText());
        assertTrue(r.json().path("usage").path("prompt_tokens").asInt() > 0, r.body());
        assertTrue(r.json().path("usage").path("completion_tokens").asInt() > 0, r.body());
    }

    @Test
    void chatWithPicture() {
        Http.Reply r = http.chat("What is in the picture?", ItEnv.read(ItEnv.example("red_circle.png")));
        assertEquals(200, r.status(), r.toString());
        assertEquals(Examples.RED_CIRCLE, r.text());
    }

    /** The request of README.md, as the curl command there sends it. */
    @Test
    void readmeRequest() {
        String image = Base64.getEncoder().encodeToString(ItEnv.read(ItEnv.example("red_circle.png")));
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"What is in the picture?\",\"image\":\""
                + image + "\"}]}";
        Http.Reply r = http.post("/api/v1/chat", "application/json", body);
        assertEquals(200, r.status(), r.toString());
        assertEquals(Examples.RED_CIRCLE, r.text());
    }

    @Test
    void malformedJsonIsProblem400() {
        Http.Reply r = http.post("/api/v1/chat", "application/json", "{\"messages\": [");
        assertProblem(r, 400);
    }

    @Test
    void notAPictureIsProblem400() {
        byte[] notAnImage = "this is text, not a PNG".getBytes(StandardCharsets.UTF_8);
        Http.Reply r = http.chat("What is in the picture?", notAnImage);
        assertProblem(r, 400);
        assertEquals("BAD_IMAGE", r.json().path("code").asText(), r.body());
    }

    @Test
    void serverKeepsAnsweringAfterErrors() {
        for (int i = 0; i < 3; i++) {
            assertProblem(http.post("/api/v1/chat", "application/json", "not json"), 400);
            assertProblem(http.chat("What is in the picture?", new byte[] {1, 2, 3}), 400);
            Http.Reply ok = http.chat("What colour is the shape?", ItEnv.read(ItEnv.example("green_triangle.png")));
            assertEquals(200, ok.status(), ok.toString());
            assertEquals("Green.", ok.text());
        }
    }

    @Test
    void readinessIsUpWhenContextsAreLoaded() {
        Http.Reply r = http.get("/health/ready");
        assertEquals(200, r.status(), r.toString());
        assertEquals("UP", r.json().path("status").asText(), r.body());
    }

    /**
     * Replays web-api/src/test/resources/bad-requests.json (format: bad-requests.md there) against the real
     * server: each request must get its documented status and problem code, and after each one a good
     * request must still be answered.
     */
    @Test
    void badRequestCorpus() throws IOException {
        Path file = ItEnv.repo().resolve("web-api/src/test/resources/bad-requests.json");
        JsonNode cases = Http.JSON.readTree(Files.readString(file));
        assertTrue(cases.size() >= 20, "the corpus has at least 20 requests, " + file + " has " + cases.size());
        List<String> wrong = new ArrayList<>();
        for (JsonNode c : cases) {
            String name = c.path("name").asText();
            String body = c.path("body").asText("");
            if (c.has("repeat")) {
                body = body.replace("{{REPEAT}}", c.path("repeat_text").asText().repeat(c.path("repeat").asInt()));
            }
            String type = c.path("content_type").isNull() || c.path("content_type").isMissingNode() ? null
                    : c.path("content_type").asText();
            Http.Reply r = http.send(c.path("method").asText("POST"), c.path("path").asText("/api/v1/chat"), type,
                    body);
            int status = c.path("status").asInt();
            String code = c.path("code").asText();
            String got = r.status() + " " + (r.json() == null ? "-" : r.json().path("code").asText());
            if (r.status() != status || !r.isProblem() || !code.equals(r.json().path("code").asText())) {
                wrong.add(name + ": expected " + status + " " + code + ", got " + got + " (" + r.contentType() + ")");
            }
            Http.Reply good = http.chat("Hello", null);
            if (good.status() != 200 || !Examples.GREETING.equals(good.text())) {
                wrong.add(name + ": the next good request got " + good);
            }
        }
        assertEquals(List.of(), wrong, wrong.size() + " of " + cases.size() + " bad requests went wrong");
        Http.Reply after = http.chat("What is in the picture?", ItEnv.read(ItEnv.example("red_circle.png")));
        assertEquals(Examples.RED_CIRCLE, after.text(), "the server still answers pictures after the corpus");
    }

    private static void assertProblem(Http.Reply r, int status) {
        assertEquals(status, r.status(), r.toString());
        assertTrue(r.isProblem(), "problem+json: " + r);
        assertFalse(r.json().path("code").asText().isBlank(), "a stable code: " + r.body());
        assertEquals(status, r.json().path("status").asInt(), r.body());
    }
}
