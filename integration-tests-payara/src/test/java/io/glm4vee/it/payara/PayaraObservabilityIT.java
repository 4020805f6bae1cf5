package io.glm4vee.it.payara;

import com.fasterxml.jackson.databind.JsonNode;
import io.glm4vee.it.Deployments;
import io.glm4vee.it.Http;
import io.glm4vee.it.ItEnv;
import io.glm4vee.it.PrometheusText;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's endpoints on Payara Server (ObservabilityIT is Open Liberty's): MicroProfile Metrics at
 * /metrics move after a chat, Health at /health/live and /health/ready, and the OpenAPI document at /openapi.
 * Payara's exposition differs from Liberty's where noted (docs/server.md, "Payara Server"): a timer's quantiles
 * are in nanoseconds while its _sum and _count are right; the OpenAPI document keeps one request body of the two /api/v1/chat operations.
 */
@ExtendWith(ArquillianExtension.class)
public class PayaraObservabilityIT {

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
        String[] ctx0 = {"context", "ctx-0"};
        PrometheusText before = scrapeUntil(m -> m.has("glm4v_card_busy_time_seconds"));
        assertEquals(1.0, before.value("glm4v_context_state", "context", "ctx-0", "state", "READY"), before.toString());
        for (String card : List.of("cpu:0", "cpu:1")) {
            assertTrue(before.value("glm4v_card_memory_used_bytes", "card", card) > 0, "weights on " + card);
        }

        Http.Reply chat = http.chat("What is in the picture?", ItEnv.read(ItEnv.example("red_circle.png")));
        assertEquals(200, chat.status(), chat.toString());
        int prompt = chat.json().path("usage").path("prompt_tokens").asInt();
        int completion = chat.json().path("usage").path("completion_tokens").asInt();
        assertEquals(400, http.post("/api/v1/chat", "application/json", "{\"messages\": [").status());

        PrometheusText after = scrapeUntil(m -> m.value("glm4v_context_served", ctx0) > before.value("glm4v_context_served", ctx0)
                && m.value("glm4v_card_busy_time_seconds", "card", "cpu:1")
                > before.value("glm4v_card_busy_time_seconds", "card", "cpu:1"));
        String[] chatOk = {"endpoint", "/api/v1/chat", "method", "POST", "status", "200", "outcome", "success"};
        String[] chatBad = {"endpoint", "/api/v1/chat", "method", "POST", "status", "400", "outcome", "client_error"};
        assertEquals(1.0, after.value("glm4v_requests_total", chatOk) - before.value("glm4v_requests_total", chatOk),
                after.toString());
        assertEquals(1.0, after.value("glm4v_requests_total", chatBad) - before.value("glm4v_requests_total", chatBad));
        assertEquals(prompt, after.value("glm4v_tokens_prompt_total") - before.value("glm4v_tokens_prompt_total"));
        assertEquals(completion,
                after.value("glm4v_tokens_completion_total") - before.value("glm4v_tokens_completion_total"));
        for (String timer : List.of("glm4v_inference_time_to_first_token_seconds", "glm4v_inference_queue_wait_seconds",
                "glm4v_inference_time_per_output_token_seconds", "glm4v_request_duration_seconds")) {
            assertTrue(after.value(timer + "_count") > before.value(timer + "_count"), timer + " counted the chat");
        }
        double ttft = after.value("glm4v_inference_time_to_first_token_seconds_sum")
                - before.value("glm4v_inference_time_to_first_token_seconds_sum");
        assertTrue(ttft > 0 && ttft < 60, "time to first token of the chat in seconds: " + ttft);
        assertTrue(after.value("glm4v_inference_decode_tokens_per_second") > 0, "a decode rate");
        assertEquals(1.0, after.value("glm4v_context_served", ctx0) - before.value("glm4v_context_served", ctx0));
        for (String card : List.of("cpu:0", "cpu:1")) {
            assertTrue(after.value("glm4v_card_ops", "card", card) > before.value("glm4v_card_ops", "card", card));
        }
        for (String name : List.of("glm4v_requests_total", "glm4v_tokens_prompt_total", "glm4v_card_busy_time_seconds",
                "glm4v_context_state")) {
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
        assertEquals("UP", ready.json().path("status").asText());
        assertTrue(ready.body().contains("glm4v-contexts"), ready.body());
    }

    @Test
    void theOpenApiDocumentListsBothApis() throws Exception {
        Http.Reply r = http.send("GET", "/openapi?format=JSON", null, null);
        assertEquals(200, r.status(), r.toString());
        JsonNode doc = Http.JSON.readTree(r.body());
        for (String path : List.of("/api/v1/chat", "/api/v1/sessions", "/api/v1/contexts", "/api/v1/contexts/{id}/rebuild",
                "/v1/chat/completions", "/v1/models")) {
            assertTrue(doc.path("paths").has(path), "documented: " + path + " in " + doc.path("paths").size() + " paths");
        }
        assertTrue(doc.path("paths").path("/v1/chat/completions").path("post").has("summary"));
    }
}
