package io.glm4vee.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;

/** A black-box client of the REST API (java.net.http); client side only. */
public final class Http {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;

    public Http(URI base) {
        this.base = base;
    }

    /** A response with its body parsed as JSON when it is JSON. */
    public record Reply(int status, String contentType, String body, JsonNode json) {
        public String text() {
            return json == null ? null : json.path("text").asText(null);
        }

        public boolean isProblem() {
            return contentType != null && contentType.startsWith("application/problem+json");
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + body;
        }
    }

    /** Any request; contentType null sends no Content-Type header (and the body must then be empty). */
    public Reply send(String method, String path, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b.method(method, body == null || body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body)));
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    public Reply post(String path, String contentType, String body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Reply post(String path, String contentType, byte[] body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public Reply postJson(String path, JsonNode body) {
        return post(path, "application/json", body.toString());
    }

    /** POST /api/v1/chat with one user message and an optional picture. */
    public Reply chat(String text, byte[] image) {
        return postJson("/api/v1/chat", chatBody(text, image));
    }

    public static ObjectNode chatBody(String text, byte[] image) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode messages = body.putArray("messages");
        ObjectNode m = messages.addObject().put("role", "user").put("content", text);
        if (image != null) {
            m.put("image", Base64.getEncoder().encodeToString(image));
        }
        return body;
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = client.send(request.timeout(Duration.ofSeconds(120)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String type = r.headers().firstValue("Content-Type").orElse(null);
            JsonNode json = null;
            if (type != null && type.contains("json") && !r.body().isEmpty()) {
                json = JSON.readTree(r.body());
            }
            return new Reply(r.statusCode(), type, r.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
