package io.glm4vee.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A card fault leads to a rebuild. Runs on its own server, glm4v-it-fault, whose adapter has the
 * test-only rule cpu:1:matmul_allreduce:throw:1: card cpu:1 fails once in the fused matmul +
 * all-reduce. The request that meets it fails with DEVICE_FAILED (503, problem+json); the context is
 * taken out of service, rebuilt, and answers again.
 */
@ExtendWith(ArquillianExtension.class)
public class CardFaultIT {

    @Deployment(testable = false)
    public static EnterpriseArchive deployment() {
        return Deployments.application();
    }

    @Test
    void cardFaultFailsTheRequestThenTheContextIsRebuilt() throws Exception {
        Http http = new Http(ItEnv.baseUri());
        byte[] image = ItEnv.read(ItEnv.example("red_circle.png"));

        Http.Reply failed = http.chat("What is in the picture?", image);
        assertEquals(503, failed.status(), "the request that met the fault: " + failed);
        assertTrue(failed.isProblem(), failed.toString());
        assertEquals("DEVICE_FAILED", failed.json().path("code").asText(), failed.body());

        JsonNode context = awaitReady(http);
        System.out.println("after the fault: " + context);

        Http.Reply ok = http.chat("What is in the picture?", image);
        assertEquals(200, ok.status(), "after the rebuild: " + ok);
        assertEquals(Examples.RED_CIRCLE, ok.text());
    }

    private static JsonNode awaitReady(Http http) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            Http.Reply r = http.get("/api/v1/contexts");
            assertEquals(200, r.status(), r.toString());
            JsonNode contexts = r.json().isArray() ? r.json() : r.json().path("contexts");
            last = contexts.get(0);
            if (last != null && "READY".equals(last.path("state").asText())) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the context was not rebuilt within 120 s: " + last);
    }
}
