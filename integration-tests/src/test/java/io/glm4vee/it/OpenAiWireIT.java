package io.glm4vee.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAI-compatible API on the wire (java.net.http, no SDK): the SSE framing a curl -N
 * user sees, the two error formats side by side (/v1 OpenAI objects, /api problem+json), and a
 * client that hangs up in the middle of a stream.
 */
@ExtendWith(ArquillianExtension.class)
public class OpenAiWireIT {

    @Deployment(testable = false)
    public static EnterpriseArchive deployment() {
        return Deployments.application();
    }

    private final Http http = new Http(ItEnv.baseUri());
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static String pictureBody(boolean stream) {
        return """
                {"model": "%s", "stream": %s, "stream_options": %s, "messages": [{"role": "user", "content": [
                  {"type": "text", "text": "What is in the picture?"},
                  {"type": "image_url", "image_url": {"url": "%s"}}]}]}""".formatted(OpenAiIt.MODEL, stream,
                stream ? "{\"include_usage\": true}" : "null", OpenAiIt.dataUrl("red_circle.png"));
    }

    private HttpRequest post(String body) {
        return HttpRequest.newBuilder(ItEnv.baseUri().resolve("v1/chat/completions"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Test
    void aCompletionObject() {
        Http.Reply r = http.post("/v1/chat/completions", "application/json", pictureBody(false));
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.contentType().startsWith("application/json"), r.contentType());
        JsonNode c = r.json();
        assertEquals("chat.completion", c.path("object").asText());
        assertEquals(Examples.RED_CIRCLE, c.path("choices").path(0).path("message").path("content").asText());
        assertEquals("stop", c.path("choices").path(0).path("finish_reason").asText());
        assertEquals(c.path("usage").path("prompt_tokens").asInt() + c.path("usage").path("completion_tokens").asInt(),
                c.path("usage").path("total_tokens").asInt());
    }

    @Test
    void serverSentEvents() throws Exception {
        HttpResponse<java.util.stream.Stream<String>> r = client.send(post(pictureBody(true)),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"), r.headers().toString());
        List<String> lines = r.body().toList();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            if (i % 2 == 1) {
                assertEquals("", lines.get(i), "a blank line after every event");
                continue;
            }
            String line = lines.get(i);
            assertTrue(line.startsWith("data: "), line);
            String data = line.substring(6);
            if (i == lines.size() - 2) {
                assertEquals("[DONE]", data);
                continue;
            }
            JsonNode chunk = Http.JSON.readTree(data);
            assertEquals("chat.completion.chunk", chunk.path("object").asText());
            text.append(chunk.path("choices").path(0).path("delta").path("content").asText(""));
        }
        assertEquals(Examples.RED_CIRCLE, text.toString());
        JsonNode usage = Http.JSON.readTree(lines.get(lines.size() - 4).substring(6));
        assertTrue(usage.path("choices").isEmpty() && usage.path("usage").path("total_tokens").asInt() > 0, usage.toString());
    }

    @Test
    void twoErrorFormatsSideBySide() {
        Http.Reply openai = http.post("/v1/completions", "application/json", "{}");
        assertEquals(404, openai.status(), openai.toString());
        assertEquals("Invalid URL (POST /v1/completions)", openai.json().path("error").path("message").asText());
        assertEquals("not_found_error", openai.json().path("error").path("type").asText());
        assertTrue(openai.json().path("error").has("param"), "param is there, as null");

        Http.Reply wrongMethod = http.get("/v1/chat/completions");
        assertEquals(405, wrongMethod.status());
        assertEquals("method_not_allowed", wrongMethod.json().path("error").path("code").asText());

        Http.Reply malformed = http.post("/v1/chat/completions", "application/json", "{\"model\": ");
        assertEquals(400, malformed.status());
        assertEquals("invalid_json", malformed.json().path("error").path("code").asText());

        Http.Reply nativeApi = http.post("/api/v1/chat", "application/json", "{\"messages\": [");
        assertEquals(400, nativeApi.status());
        assertTrue(nativeApi.isProblem(), nativeApi.toString());
        assertEquals("MALFORMED_JSON", nativeApi.json().path("code").asText());
    }

    /** Hanging up after the first event leaves nothing running and the next request is answered. */
    @Test
    void aClientThatHangsUp() throws Exception {
        for (int round = 0; round < 3; round++) {
            HttpResponse<InputStream> r = client.send(post(pictureBody(true)), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode());
            try (InputStream in = r.body()) {
                String first = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
                assertTrue(first.startsWith("data: "), first);
            } // closed: the connection is dropped mid-stream
        }
        Http.Reply next = http.chat(OpenAiIt.PICTURE_QUESTION, ItEnv.read(ItEnv.example("red_circle.png")));
        assertEquals(Examples.RED_CIRCLE, next.text(), next.toString());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int active;
        do {
            active = 0;
            for (JsonNode c : http.get("/api/v1/contexts").json().path("contexts")) {
                active += c.path("active").asInt() + c.path("queued").asInt();
            }
        } while (active > 0 && System.nanoTime() < deadline);
        assertEquals(0, active, "no request left running after the clients went away");
    }
}
