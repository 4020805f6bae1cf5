package io.glm4vee.it.payara;

import com.fasterxml.jackson.databind.JsonNode;
import io.glm4vee.it.Deployments;
import io.glm4vee.it.Examples;
import io.glm4vee.it.Http;
import io.glm4vee.it.ItEnv;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Configuration through Payara's own admin interface (asadmin against the domain's admin port, the same
 * operations the Admin Console performs): the connection pool's maximum size (the application-scoped pool
 * java:app/glm4v-pool) and adapter properties (the domain's resource-adapter-config glm4v#glm4v-ra) are set,
 * the application is disabled and enabled again (how Payara applies them, see docs/admin-console-payara.md),
 * and GET /api/v1/contexts reports the new values: the pool's maximum, the adapter's properties, and the device
 * contexts they make (two replicas on four cards instead of one on two). The old values are restored after.
 */
@ExtendWith(ArquillianExtension.class)
public class PayaraConfigChangeIT {

    private static final String POOL =
            "applications.application.glm4v.resources.connector-connection-pool.java:app/glm4v-pool.";
    private static final String ADAPTER = "resources.resource-adapter-config.glm4v#glm4v-ra.property.";

    @Deployment(testable = false)
    public static EnterpriseArchive deployment() {
        return Deployments.application();
    }

    private final Http http = new Http(ItEnv.baseUri());

    /** Runs asadmin against the test domain (no admin password) and returns its output; fails on a non-zero exit. */
    static String asadmin(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("glm4v.it.payara.home"), "bin", "asadmin").toString(),
                "--host", "127.0.0.1", "--port", System.getProperty("glm4v.it.payara.admin-port"), "--interactive=false"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "asadmin " + String.join(" ", args) + " did not end");
        assertEquals(0, p.exitValue(), "asadmin " + String.join(" ", args) + ":\n" + out);
        return out;
    }

    /** The application again with the configuration now in domain.xml (the console's Disable, then Enable). */
    private void reenable() throws Exception {
        asadmin("disable", "glm4v");
        asadmin("enable", "glm4v");
        long deadline = System.nanoTime() + 60_000_000_000L;
        Http.Reply ready = http.get("/health/ready");
        while (ready.status() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            ready = http.get("/health/ready");
        }
        assertEquals(200, ready.status(), "ready again after the re-enable: " + ready);
    }

    private JsonNode contexts() {
        Http.Reply r = http.get("/api/v1/contexts");
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    private static List<String> devicesOf(JsonNode context) {
        List<String> ids = new ArrayList<>();
        context.path("devices").forEach(d -> ids.add(d.asText()));
        return ids;
    }

    @AfterEach
    void restore() throws Exception {
        asadmin("set", POOL + "max-pool-size=8", ADAPTER + "contexts=1", ADAPTER + "devices=cpu:0,cpu:1",
                ADAPTER + "queueDepth=16");
        reenable();
    }

    @Test
    void poolSizeAndAdapterPropertiesChangedWithAsadminAreInEffectAfterAReenable() throws Exception {
        JsonNode before = contexts();
        assertEquals(1, before.path("contexts").size(), before.toString());
        assertEquals(8, before.path("pool").path("max_size").asInt(), "the pool of glassfish-resources.xml: " + before);
        assertEquals("payara", before.path("pool").path("source").asText(), before.toString());
        assertEquals("1", before.path("adapter").path("contexts").asText(), before.toString());

        asadmin("set", POOL + "max-pool-size=3", ADAPTER + "contexts=2", ADAPTER + "devices=cpu:0,cpu:1,cpu:2,cpu:3",
                ADAPTER + "queueDepth=4");
        assertTrue(asadmin("get", POOL + "max-pool-size").contains("max-pool-size=3"));
        reenable();

        JsonNode after = contexts();
        assertEquals(3, after.path("pool").path("max_size").asInt(), "the pool's new maximum: " + after);
        assertEquals("2", after.path("adapter").path("contexts").asText(), after.toString());
        assertEquals("cpu:0,cpu:1,cpu:2,cpu:3", after.path("adapter").path("devices").asText(), after.toString());
        assertEquals("4", after.path("adapter").path("queueDepth").asText(), after.toString());
        JsonNode list = after.path("contexts");
        assertEquals(2, list.size(), "two replicas: " + after);
        assertEquals(List.of("cpu:0", "cpu:1"), devicesOf(list.get(0)));
        assertEquals(List.of("cpu:2", "cpu:3"), devicesOf(list.get(1)));
        for (JsonNode c : list) {
            assertEquals("READY", c.path("state").asText(), after.toString());
        }
        Http.Reply chat = http.chat("What is in the picture?", ItEnv.read(ItEnv.example("red_circle.png")));
        assertEquals(Examples.RED_CIRCLE, chat.text(), chat.toString());
    }
}
