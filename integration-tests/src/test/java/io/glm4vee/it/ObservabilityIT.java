package io.glm4vee.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's endpoints of the real server (glm4v-it, no API keys): /metrics moves after a chat
 * (requests by endpoint and outcome, tokens, time to first token, queue wait, per-card busy time and
 * ops, the context's served count), /health/live and /health/ready, and the OpenAPI document with the
 * native chat endpoint and its schemas, and its UI.
 */
@ExtendWith(ArquillianExtension.class)
public class ObservabilityIT {

    @Deployment(testable = false)
    public static EnterpriseArchive deployment() {
        return Deployments.application();
    }

    private final Http http = new Http(ItEnv.baseUri());

    private PrometheusText scrape() {
        return PrometheusText.scrape(http);
    }

    private PrometheusText scrapeUntil(Predicate<PrometheusText> condition) throws InterruptedException {
        return PrometheusText.scrapeUntil(http, condition);
    }

    @Test
    void metricsMoveAfterAChat() throws InterruptedException {
        PrometheusText before = scrapeUntil(m -> m.has("glm4v_card_busy_time_seconds"));
        String[] ctx0 = {"context", "ctx-0"};
        assertEquals(1.0, before.value("glm4v_context_state", "context", "ctx-0", "state", "READY"), before.toString());
        assertEquals(0.0, before.value("glm4v_context_state", "context", "ctx-0", "state", "LOADING"));
        for (String card : List.of("cpu:0", "cpu:1")) {
            assertTrue(before.value("glm4v_card_memory_used_bytes", "card", card) > 0, "weights on " + card);
            assertTrue(before.has("glm4v_card_memory_kv_cache_bytes", "card", card, "context", "ctx-0"));
        }
        assertTrue(before.has("glm4v_context_contiguous_copies", ctx0), "the fused matmul + all-reduce guard");
        assertTrue(before.has("glm4v_context_rebuilds", ctx0));
        assertEquals(0.0, before.value("glm4v_context_queue_depth", ctx0));

        Http.Reply chat = http.chat("What is in the picture?", ItEnv.read(ItEnv.example("red_circle.png")));
        assertEquals(200, chat.status(), chat.toString());
        int prompt = chat.json().path("usage").path("prompt_tokens").asInt();
        int completion = chat.json().path("usage").path("completion_tokens").asInt();
        Http.Reply bad = http.post("/api/v1/chat", "application/json", "{\"messages\": [");
        assertEquals(400, bad.status(), bad.toString());

        String cpu1Busy = "glm4v_card_busy_time_seconds";
        PrometheusText after = scrapeUntil(m -> m.value(cpu1Busy, "card", "cpu:1") > before.value(cpu1Busy, "card", "cpu:1")
                && m.value("glm4v_context_served", ctx0) > before.value("glm4v_context_served", ctx0));
        String[] chatOk = {"endpoint", "/api/v1/chat", "method", "POST", "status", "200", "outcome", "success"};
        String[] chatBad = {"endpoint", "/api/v1/chat", "method", "POST", "status", "400", "outcome", "client_error"};
        assertEquals(1.0, after.value("glm4v_requests_total", chatOk) - before.value("glm4v_requests_total", chatOk),
                after.toString());
        assertEquals(1.0, after.value("glm4v_requests_total", chatBad) - before.value("glm4v_requests_total", chatBad));
        assertEquals(prompt, after.value("glm4v_tokens_prompt_total") - before.value("glm4v_tokens_prompt_total"));
        assertEquals(completion,
                after.value("glm4v_tokens_completion_total") - before.value("glm4v_tokens_completion_total"));
        for (String timer : List.of("glm4v_inference_time_to_first_token_seconds_count",
                "glm4v_inference_queue_wait_seconds_count", "glm4v_inference_time_per_output_token_seconds_count",
                "glm4v_request_duration_seconds_count")) {
            assertTrue(after.value(timer) > before.value(timer), timer + " counted the chat");
        }
        assertTrue(after.value("glm4v_inference_time_to_first_token_seconds_sum") > 0);
        assertTrue(after.value("glm4v_inference_decode_tokens_per_second") > 0, "a decode rate");
        for (String card : List.of("cpu:0", "cpu:1")) {
            assertTrue(after.value("glm4v_card_busy_time_seconds", "card", card)
                    > before.value("glm4v_card_busy_time_seconds", "card", card), "busy time of " + card);
            assertTrue(after.value("glm4v_card_ops", "card", card) > before.value("glm4v_card_ops", "card", card));
        }
        assertEquals(1.0, after.value("glm4v_context_served", ctx0) - before.value("glm4v_context_served", ctx0));
        for (String name : List.of("glm4v_requests_total", "glm4v_tokens_prompt_total", "glm4v_card_busy_time_seconds",
                "glm4v_context_state", "glm4v_inference_time_to_first_token_seconds")) {
            assertTrue(after.hasHelp(name), "documented: " + name);
        }
    }

    @Test
    void livenessAndReadinessAreUp() {
        Http.Reply live = http.get("/health/live");
        assertEquals(200, live.status(), live.toString());
        assertEquals("UP", live.json().path("status").asText());
        assertTrue(live.body().contains("glm4v-live"), live.body());
        Http.Reply ready = http.get("/health/ready");
        assertEquals(200, ready.status(), ready.toString());
        assertTrue(ready.body().contains("glm4v-contexts"), ready.body());
    }

    private static List<String> pathsOf(JsonNode doc) {
        List<String> names = new java.util.ArrayList<>();
        doc.path("paths").fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void theOpenApiDocumentDescribesTheNativeChatWithItsSchemas() throws Exception {
        // HTTP/1.1: a cleartext HTTP/2 upgrade request can hang in Liberty's OpenAPI UI bundle
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(ItEnv.baseUri().resolve("/openapi"))
                .header("Accept", "application/json").timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode doc = Http.JSON.readTree(r.body());
        JsonNode chat = doc.path("paths").path("/api/v1/chat").path("post");
        assertEquals("#/components/schemas/ChatBody",
                chat.path("requestBody").path("content").path("application/json").path("schema").path("$ref").asText(),
                "paths: " + pathsOf(doc) + "; POST /api/v1/chat: " + chat);
        assertEquals("#/components/schemas/ChatForm", chat.path("requestBody").path("content")
                .path("multipart/form-data").path("schema").path("$ref").asText());
        assertEquals("#/components/schemas/ChatReply", chat.path("responses").path("200").path("content")
                .path("application/json").path("schema").path("$ref").asText());
        assertEquals("#/components/schemas/Problem", chat.path("responses").path("400").path("content")
                .path("application/problem+json").path("schema").path("$ref").asText());
        JsonNode schemas = doc.path("components").path("schemas");
        for (String field : List.of("messages", "max_tokens", "temperature", "top_p", "seed", "session")) {
            assertTrue(schemas.path("ChatBody").path("properties").has(field), "ChatBody." + field);
        }
        for (String field : List.of("text", "finish_reason", "usage", "session", "context")) {
            assertTrue(schemas.path("ChatReply").path("properties").has(field), "ChatReply." + field);
        }
        assertTrue(schemas.path("Message").path("properties").has("image"));
        assertTrue(schemas.path("TokenUsage").path("properties").has("prompt_tokens"));
        assertEquals("bearer", doc.path("components").path("securitySchemes").path("apiKey").path("scheme").asText());
        for (String path : List.of("/v1/chat/completions", "/v1/models")) {
            assertTrue(doc.path("paths").has(path), "the OpenAI-compatible API under /v1: " + path);
            JsonNode op = doc.path("paths").path(path).elements().next();
            assertTrue(op.has("summary") && op.has("responses"), "documented: " + path + " " + op);
        }
        JsonNode completion = doc.path("paths").path("/v1/chat/completions").path("post");
        assertTrue(completion.path("requestBody").path("content").path("application/json").path("schema")
                .path("properties").has("messages"), "request schema of /v1/chat/completions: " + completion);
        for (String path : List.of("/api/v1/sessions", "/api/v1/sessions/{id}", "/api/v1/jobs", "/api/v1/jobs/{id}",
                "/api/v1/usage", "/api/v1/devices", "/api/v1/contexts", "/api/v1/contexts/{id}",
                "/api/v1/contexts/{id}/drain", "/api/v1/contexts/{id}/rebuild")) {
            JsonNode item = doc.path("paths").path(path);
            assertTrue(item.isObject() && item.size() > 0, "documented: " + path);
            item.fields().forEachRemaining(op -> assertTrue(op.getValue().hasNonNull("summary"),
                    op.getKey() + " " + path + " has a summary"));
        }

        HttpResponse<String> ui = client.send(HttpRequest.newBuilder(URI.create(ItEnv.baseUri() + "openapi/ui/"))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ui.statusCode());
        assertTrue(ui.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    }
}
