package io.glm4vee.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs on its own server, glm4v-it-ops: API keys are configured (an inference-user key and an
 * inference-admin key) and the adapter's test hook load:delay keeps the context LOADING for 8 s
 * after the deployment. First, right after the deployment: /health/ready is 503 while the context
 * loads, then 200. Then the keys: 401 without a valid key (problem+json on /api, OpenAI's error
 * object on /v1), 403 for an admin call with a user key, success with the right keys, and the
 * key's name as the caller the EJB sees.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class OpsServerIT {

    static final String USER_KEY = "it-user-key-0000000001";
    static final String ADMIN_KEY = "it-admin-key-000000001";

    @Deployment(testable = false)
    public static EnterpriseArchive deployment() {
        return Deployments.application();
    }

    private final Http anonymous = new Http(ItEnv.baseUri());
    private final Http user = anonymous.withKey(USER_KEY);
    private final Http admin = anonymous.withKey(ADMIN_KEY);

    @Test
    @Order(1)
    void readinessIs503WhileTheContextLoadsThen200() throws InterruptedException {
        Http.Reply loading = anonymous.get("/health/ready");
        assertEquals(503, loading.status(), "right after the deployment the context is still loading: " + loading);
        assertEquals("DOWN", loading.json().path("status").asText(), loading.body());
        JsonNode check = loading.json().path("checks").get(0);
        assertEquals("glm4v-contexts", check.path("name").asText(), loading.body());
        assertEquals(1, check.path("data").path("LOADING").asInt(), loading.body());

        Http.Reply live = anonymous.get("/health/live");
        assertEquals(200, live.status(), "liveness does not wait for the model: " + live);
        PrometheusText metrics = new PrometheusText(anonymous.get("/metrics?scope=application").body());
        assertEquals(1.0, metrics.value("glm4v_context_state", "context", "ctx-0", "state", "LOADING"),
                metrics.toString());

        long t0 = System.nanoTime();
        Http.Reply ready = loading;
        while (ready.status() != 200 && System.nanoTime() - t0 < 120_000_000_000L) {
            Thread.sleep(500);                      // each DOWN answer is a CWMMH0052W line in the log
            ready = anonymous.get("/health/ready");
        }
        assertEquals(200, ready.status(), "ready once the context is loaded: " + ready);
        assertEquals("UP", ready.json().path("status").asText());
        assertEquals(1, ready.json().path("checks").get(0).path("data").path("READY").asInt(), ready.body());
    }

    @Test
    @Order(2)
    void aRequestWithoutAValidKeyIs401() {
        Http.Reply none = anonymous.chat("Hello", null);
        assertEquals(401, none.status(), none.toString());
        assertTrue(none.isProblem(), none.toString());
        assertEquals("UNAUTHORIZED", none.json().path("code").asText());

        Http.Reply wrong = anonymous.withKey("not-a-key-0000000000").get("/api/v1/contexts");
        assertEquals(401, wrong.status(), wrong.toString());
        assertEquals("UNAUTHORIZED", wrong.json().path("code").asText());

        Http.Reply openAi = anonymous.withKey("sk-wrong").get("/v1/models");
        assertEquals(401, openAi.status(), openAi.toString());
        assertEquals("invalid_api_key", openAi.json().path("error").path("code").asText(), openAi.body());

        Http.Reply badBasic = anonymous.withAuthorization(basic("admin", "guess")).get("/api/v1/usage");
        assertEquals(401, badBasic.status(), badBasic.toString());

        PrometheusText metrics = new PrometheusText(anonymous.get("/metrics?scope=application").body());
        assertTrue(metrics.value("glm4v_security_rejected_total", "reason", "missing") >= 1, metrics.toString());
        assertTrue(metrics.value("glm4v_security_rejected_total", "reason", "invalid") >= 3, metrics.toString());
    }

    @Test
    @Order(3)
    void theWwwAuthenticateHeaderAsksForABearerKey() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(ItEnv.baseUri().resolve("/api/v1/usage"))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(401, r.statusCode());
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer realm=\"glm4v\""),
                r.headers().map().toString());
    }

    @Test
    @Order(4)
    void aUserKeyChatsAsItsOwnCaller() {
        Http.Reply chat = user.chat("Hello", null);
        assertEquals(200, chat.status(), chat.toString());
        assertEquals(Examples.GREETING, chat.text());
        Http.Reply usage = user.get("/api/v1/usage");
        assertEquals(200, usage.status(), usage.toString());
        assertEquals("it-user", usage.json().path("caller").asText(), "the key's name reaches the EJB: " + usage.body());
        assertTrue(usage.json().path("booked").asLong() > 0, usage.body());
        assertEquals("it-admin", admin.get("/api/v1/usage").json().path("caller").asText());
    }

    @Test
    @Order(5)
    void anAdminCallWithAUserKeyIs403() {
        Http.Reply drain = user.send("POST", "/api/v1/contexts/ctx-0/drain", null, null);
        assertEquals(403, drain.status(), drain.toString());
        assertTrue(drain.isProblem(), drain.toString());
        assertEquals("FORBIDDEN", drain.json().path("code").asText());
        assertEquals("READY", user.get("/api/v1/contexts/ctx-0").json().path("state").asText(),
                "the context was not drained");
    }

    @Test
    @Order(6)
    void anAdminKeyAndTheAdminUserMayRebuild() {
        Http.Reply byKey = admin.send("POST", "/api/v1/contexts/ctx-0/rebuild", null, null);
        assertEquals(204, byKey.status(), byKey.toString());
        Http.Reply byBasic = anonymous.withAuthorization(basic("admin", "it-admin"))
                .send("POST", "/api/v1/contexts/ctx-0/rebuild", null, null);
        assertEquals(204, byBasic.status(), byBasic.toString());
        Http.Reply chat = user.chat("Hello", null);
        assertEquals(200, chat.status(), "still answers after the rebuilds: " + chat);
        PrometheusText metrics = new PrometheusText(anonymous.get("/metrics?scope=application").body());
        assertFalse(metrics.matching("glm4v_context_rebuilds", "context", "ctx-0").isEmpty(), metrics.toString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
