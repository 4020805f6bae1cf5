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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs on its own server, glm4v-it-admin (glm4v-it plus Admin Center): changes the pool size and the
 * adapter's properties in the running server's server.xml and sees them arrive in GET /api/v1/contexts,
 * with no rebuild and no redeployment. First through Admin Center's own file API (what its Server Config
 * tool does on Save), then by writing server.xml directly (what an operator with a shell does).
 *
 * <p>Open Liberty applies each change by restarting the application (docs/admin-console.md): while it
 * restarts, requests get Liberty's 404 (the web module is away) or the adapter's 503 UNAVAILABLE (it is
 * draining); never a 500 or a hang. After it, the new pool and contexts serve, and no card thread of the
 * old contexts is left.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class ConfigChangeIT {

    private static final String SERVER_XML = "${server.config.dir}/server.xml";

    @Deployment(testable = false)
    public static EnterpriseArchive deployment() {
        return Deployments.application();
    }

    private final Http api = new Http(ItEnv.baseUri());
    private final AdminCenterFiles files = new AdminCenterFiles(
            Integer.parseInt(System.getProperty("glm4v.it.https.port")), "admin", "it-admin");

    @Test
    @Order(1)
    void theContextsAnswerShowsTheAdapterSettingsAndThePoolInEffect() throws Exception {
        JsonNode status = awaitContexts(s -> s.path("contexts").size() == 1 && allReady(s));
        assertEquals("1", status.path("adapter").path("contexts").asText(), status.toString());
        assertEquals("cpu:0,cpu:1", status.path("adapter").path("devices").asText(), status.toString());
        assertEquals("16", status.path("adapter").path("queueDepth").asText(), status.toString());
        assertEquals(2, status.path("pool").path("max_size").asInt(), "the pool as server.xml sets it: " + status);
        assertEquals("liberty", status.path("pool").path("source").asText(), status.toString());
        try (ServerThreads server = new ServerThreads(ItEnv.serverDir())) {
            assertEquals(List.of("glm4v-cpu-0-stream", "glm4v-cpu-1-stream"), cardThreads(server));
        }
    }

    @Test
    @Order(2)
    void aPoolSizeAndAdapterPropertiesSavedThroughAdminCenterArriveWhileTheServerRuns() throws Exception {
        String before = files.read(SERVER_XML);
        assertTrue(before.contains("<application") && before.contains("glm4v-ra"),
                "Admin Center reads the running server's server.xml, with the deployed application: " + before);
        String after = setVariables(before, Map.of("glm4v.pool.maxSize", "3", "glm4v.devices", "cpu:0,cpu:1,cpu:2,cpu:3",
                "glm4v.contexts", "2", "glm4v.queueDepth", "4"));

        Traffic traffic = Traffic.start(api);
        files.write(SERVER_XML, after);
        JsonNode status = awaitContexts(s -> s.path("adapter").path("contexts").asText().equals("2") && allReady(s)
                && s.path("pool").path("max_size").asInt() == 3);
        Map<Integer, Integer> statuses = traffic.stop();

        assertEquals(after, files.read(SERVER_XML), "the saved file is what the server reads");
        assertEquals(2, status.path("contexts").size(), status.toString());
        assertEquals("cpu:2", status.path("contexts").get(1).path("devices").get(0).asText(), status.toString());
        assertEquals("4", status.path("adapter").path("queueDepth").asText(), status.toString());
        assertEquals("cpu:0,cpu:1,cpu:2,cpu:3", status.path("adapter").path("devices").asText(), status.toString());
        traffic.assertOnlyOkNotFoundOrUnavailable(statuses);

        Http.Reply chat = api.chat("What is in the picture?", ItEnv.read(ItEnv.example("red_circle.png")));
        assertEquals(200, chat.status(), chat.toString());
        assertEquals(Examples.RED_CIRCLE, chat.text(), chat.toString());
        try (ServerThreads server = new ServerThreads(ItEnv.serverDir())) {
            assertEquals(List.of("glm4v-cpu-0-stream", "glm4v-cpu-1-stream", "glm4v-cpu-2-stream", "glm4v-cpu-3-stream"),
                    awaitCardThreads(server, 4), "one thread per card of the new contexts, none left of the old ones");
        }
    }

    @Test
    @Order(3)
    void aChangeWrittenToServerXmlDirectlyIsPickedUpToo() throws Exception {
        Path serverXml = ItEnv.serverDir().resolve("server.xml");
        String before = Files.readString(serverXml);
        String after = setVariables(before, Map.of("glm4v.pool.maxSize", "5", "glm4v.contexts", "1"));
        Files.writeString(serverXml, after);
        JsonNode status = awaitContexts(s -> s.path("adapter").path("contexts").asText().equals("1") && allReady(s)
                && s.path("pool").path("max_size").asInt() == 5);
        assertEquals(1, status.path("contexts").size(), status.toString());
        Http.Reply chat = api.chat("What is in the picture?", ItEnv.read(ItEnv.example("red_circle.png")));
        assertEquals(Examples.RED_CIRCLE, chat.text(), chat.toString());
        try (ServerThreads server = new ServerThreads(ItEnv.serverDir())) {
            assertEquals(List.of("glm4v-cpu-0-stream", "glm4v-cpu-1-stream"), awaitCardThreads(server, 2),
                    "the second context's cards are freed (devices lists 4 cards, 2 are unused now)");
        }
    }

    /**
     * Sets the defaultValue of {@code <variable name="n" defaultValue="v"/>} elements, the field the guide has
     * operators edit in Admin Center; every one must exist in the file.
     */
    static String setVariables(String xml, Map<String, String> values) {
        String out = xml;
        for (Map.Entry<String, String> e : values.entrySet()) {
            // attributes in any order: Arquillian writes the file back with its own serializer
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("<variable\\s[^>]*name=\""
                    + java.util.regex.Pattern.quote(e.getKey()) + "\"[^>]*>").matcher(out);
            int at = -1;
            String element = null;
            while (m.find()) {
                if (m.group().contains("defaultValue=\"")) {
                    at = m.start();
                    element = m.group();
                }
            }
            assertTrue(element != null, "no variable " + e.getKey() + " with a defaultValue in server.xml");
            String changed = element.replaceFirst("defaultValue=\"[^\"]*\"",
                    "defaultValue=\"" + java.util.regex.Matcher.quoteReplacement(e.getValue()) + "\"");
            out = out.substring(0, at) + changed + out.substring(at + element.length());
        }
        return out;
    }

    private static boolean allReady(JsonNode status) {
        for (JsonNode c : status.path("contexts")) {
            if (!c.path("state").asText().equals("READY")) {
                return false;
            }
        }
        return status.path("contexts").size() > 0;
    }

    /** Polls GET /api/v1/contexts (404 while the application restarts) until it matches, at most 120 s. */
    private JsonNode awaitContexts(Predicate<JsonNode> done) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        Http.Reply last = null;
        while (System.nanoTime() < deadline) {
            last = api.get("/api/v1/contexts");
            if (last.status() == 200 && last.json() != null && done.test(last.json())) {
                return last.json();
            }
            Thread.sleep(250);
        }
        return fail("the configuration change did not arrive within 120 s; last answer: " + last);
    }

    private static List<String> cardThreads(ServerThreads server) {
        return server.named("glm4v-cpu-").stream().filter(n -> n.endsWith("-stream")).sorted().toList();
    }

    /** Card threads of replaced contexts end right after the old adapter stops. */
    private static List<String> awaitCardThreads(ServerThreads server, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        List<String> now = cardThreads(server);
        while (now.size() != expected && System.nanoTime() < deadline) {
            Thread.sleep(200);
            now = cardThreads(server);
        }
        return now;
    }

    /** Chat requests one after another on a thread of their own while the configuration changes. */
    static final class Traffic {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final ConcurrentLinkedQueue<Http.Reply> replies = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        private Thread thread;

        static Traffic start(Http api) {
            Traffic t = new Traffic();
            t.thread = new Thread(() -> {
                while (t.running.get()) {
                    try {
                        t.replies.add(api.chat("Who are you?", null));
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {      // an I/O failure or a timeout: reported by stop()
                        t.errors.add(e);
                    }
                }
            }, "it-traffic");
            t.thread.start();
            return t;
        }

        Map<Integer, Integer> stop() throws InterruptedException {
            running.set(false);
            thread.join(150_000);
            assertTrue(!thread.isAlive(), "a request hung");
            assertTrue(errors.isEmpty(), "requests failed on the wire: " + errors);
            Map<Integer, Integer> counts = new TreeMap<>();
            replies.forEach(r -> counts.merge(r.status(), 1, Integer::sum));
            System.out.println("ConfigChangeIT: answers while the configuration changed (status=count): " + counts);
            return counts;
        }

        void assertOnlyOkNotFoundOrUnavailable(Map<Integer, Integer> counts) {
            assertTrue(counts.getOrDefault(200, 0) > 0, "requests were answered: " + counts);
            assertTrue(List.of(200, 404, 503).containsAll(counts.keySet()),
                    "while the application restarts a request is answered, or gets 404 (Liberty: the web module is "
                            + "away) or 503 (the adapter is draining): " + counts + " " + unexpected());
            for (Http.Reply r : replies) {
                if (r.status() == 200) {
                    assertEquals(Examples.GREETING, r.text(), r.toString());
                } else if (r.status() == 503) {
                    assertTrue(r.isProblem(), r.toString());
                    assertEquals("UNAVAILABLE", r.json().path("code").asText(), r.toString());
                }
            }
        }

        private List<String> unexpected() {
            return replies.stream().filter(r -> !List.of(200, 404, 503).contains(r.status())).limit(3)
                    .map(Http.Reply::toString).toList();
        }
    }
}
