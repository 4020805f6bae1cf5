package io.glm4vee.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The server on backend=ascend: runs on its own server, glm4v-it-ascend, whose adapter serves the
 * demo model on cards npu:0 and npu:1 (tp 2) through the glm4v-ascend jar the RAR bundles, with the
 * CANN-API simulator as its native library (no Ascend card here). The README's two chat requests
 * get the README's answers.
 */
@ExtendWith(ArquillianExtension.class)
public class AscendServerIT {

    @Deployment(testable = false)
    public static EnterpriseArchive deployment() {
        return Deployments.application();
    }

    @Test
    void theReadmeChatRequestsAreAnsweredOnSimulatedAscendCards() throws Exception {
        Http http = new Http(ItEnv.baseUri());
        Http.Reply hello = http.chat("Who are you?", null);
        assertEquals(200, hello.status(), hello.toString());
        assertEquals(Examples.GREETING, hello.text());

        Http.Reply red = http.chat("What is in the picture?", ItEnv.read(ItEnv.example("red_circle.png")));
        assertEquals(200, red.status(), red.toString());
        assertEquals(Examples.RED_CIRCLE, red.text());

        Http.Reply contexts = http.get("/api/v1/contexts");
        assertEquals(200, contexts.status(), contexts.toString());
        JsonNode ctx = contexts.json().path("contexts").get(0);
        assertEquals("npu:0", ctx.path("devices").get(0).asText(), ctx.toString());
        assertEquals("npu:1", ctx.path("devices").get(1).asText(), ctx.toString());
        assertEquals("READY", ctx.path("state").asText(), ctx.toString());
    }
}
