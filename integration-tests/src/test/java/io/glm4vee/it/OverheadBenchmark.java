package io.glm4vee.it;

import io.glm4vee.ejb.InferenceServiceLocal;
import io.glm4vee.engine.device.DeviceOptions;
import io.glm4vee.engine.generate.GenerationRequest;
import io.glm4vee.engine.generate.GenerationResult;
import io.glm4vee.engine.generate.Generator;
import io.glm4vee.engine.image.ImageDecoder;
import io.glm4vee.engine.model.Glm4vModel;
import io.glm4vee.engine.model.LoadProgress;
import io.glm4vee.engine.sampling.SamplingParams;
import io.glm4vee.engine.tokenizer.ChatTemplate;
import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.InferenceConnection;
import io.glm4vee.ra.api.InferenceConnectionFactory;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the enterprise path costs per request: the same request (the red circle, "What is in the
 * picture?", greedy) answered by a direct engine call and through the adapter, the EJB and REST, all in
 * the server's JVM, interleaved round by round, on the demo model with tp 2. Reports p50 and p99 of each
 * path and of the per-round difference to the direct call. A measurement, not a test: it asserts only
 * that every path gives the right answer. Run it with
 *
 * <pre>mvn -B -DskipTests install &amp;&amp; mvn -B verify -Pbench -pl integration-tests</pre>
 *
 * (the bench profile runs only this class); the report goes to the console and to
 * integration-tests/target/overhead-benchmark.txt.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class OverheadBenchmark {

    private static final int WARMUP = 30;
    private static final int ROUNDS = 200;
    private static final String PROMPT = "What is in the picture?";
    private static final String SETTINGS = "/bench.properties";

    @Deployment
    public static EnterpriseArchive deployment() {
        EnterpriseArchive ear = Deployments.applicationWithProbe(OverheadBenchmark.class, Examples.class,
                KeepAliveHttp.class, KeepAliveHttp.Response.class);
        // what the in-container half needs to know: where REST listens, where the report goes
        String settings = "port=" + ItEnv.baseUri().getPort() + "\nreport=" + report() + "\nmodel="
                + ItEnv.repo().resolve("models/glm4v-shapes-demo") + "\n";
        ear.getAsType(WebArchive.class, "it-probe.war").addAsResource(new StringAsset(settings), "bench.properties");
        return ear;
    }

    private static Path report() {
        return ItEnv.repo().resolve("integration-tests/target/overhead-benchmark.txt");
    }

    @Resource(lookup = "eis/glm4v")
    InferenceConnectionFactory factory;

    @EJB
    InferenceServiceLocal service;

    @Test
    @Order(1)
    void measure() throws Exception {
        Properties settings = new Properties();
        try (InputStream in = OverheadBenchmark.class.getResourceAsStream(SETTINGS)) {
            settings.load(in);
        }
        byte[] png = Examples.image("red_circle.png");
        String json = "{\"messages\":[{\"role\":\"user\",\"content\":\"" + PROMPT + "\",\"image\":\""
                + Base64.getEncoder().encodeToString(png) + "\"}]}";
        int port = Integer.parseInt(settings.getProperty("port"));
        URI chat = URI.create("http://127.0.0.1:" + port + "/api/v1/chat");
        HttpClient http = HttpClient.newHttpClient();
        byte[] jsonBytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ChatRequest request = new ChatRequest("bench", List.of(new ChatMessage("user", PROMPT, true)), png, null,
                null, null, null, null, null, null);

        try (KeepAliveHttp lean = new KeepAliveHttp("127.0.0.1", port);
             Glm4vModel model = Glm4vModel.load(Path.of(settings.getProperty("model")), DeviceOptions.cpu(2, 1),
                LoadProgress.NONE)) {
            Generator generator = new Generator(model);
            ImageDecoder decoder = new ImageDecoder();
            // the work every path does: decode + preprocess the picture, apply the chat template, generate
            LongSupplier engine = timed(() -> {
                float[] pixels = model.preprocess(decoder.decode(png));
                int[] ids = ChatTemplate.apply(model.tokenizer(),
                        List.of(new io.glm4vee.engine.tokenizer.ChatMessage("user", PROMPT, true)), true);
                GenerationResult r = generator.generate(new GenerationRequest(ids, pixels,
                        SamplingParams.GREEDY, 256, null, List.of()), null, null);
                check(r.text());
            });
            LongSupplier adapter = timed(() -> {
                try (InferenceConnection c = factory.getConnection()) {
                    check(c.chat(request).text());
                }
            });
            LongSupplier ejb = timed(() -> check(service.chat(request).text()));
            LongSupplier restLean = timed(() -> {
                KeepAliveHttp.Response r = lean.send("POST", "/api/v1/chat", "application/json", jsonBytes);
                if (r.status() != 200 || !r.body().contains(Examples.RED_CIRCLE)) {
                    throw new AssertionError("REST: " + r.status() + " " + r.body());
                }
            });
            LongSupplier rest = timed(() -> {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(chat)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200 || !r.body().contains(Examples.RED_CIRCLE)) {
                    throw new AssertionError("REST: " + r.statusCode() + " " + r.body());
                }
            });

            // not inferences: what one HTTP round trip through JAX-RS, the EJB and the adapter costs by itself,
            // and one through Liberty's own health servlet (no application code)
            URI contexts = chat.resolve("/api/v1/contexts");
            LongSupplier floor = timed(() -> {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(contexts).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new AssertionError("GET /api/v1/contexts: " + r.statusCode() + " " + r.body());
                }
            });
            LongSupplier floorLean = timed(() -> {
                KeepAliveHttp.Response r = lean.send("GET", "/api/v1/contexts", null, null);
                if (r.status() != 200) {
                    throw new AssertionError("GET /api/v1/contexts: " + r.status() + " " + r.body());
                }
            });

            LongSupplier live = timed(() -> {
                KeepAliveHttp.Response r = lean.send("GET", "/health/live", null, null);
                if (r.status() != 200) {
                    throw new AssertionError("GET /health/live: " + r.status() + " " + r.body());
                }
            });

            List<LongSupplier> paths = List.of(engine, adapter, ejb, restLean, rest, floorLean, floor, live);
            long[][] nanos = new long[paths.size()][ROUNDS];
            for (int round = -WARMUP; round < ROUNDS; round++) {
                for (int k = 0; k < paths.size(); k++) {
                    int p = Math.floorMod(k + round, paths.size());   // rotate the order each round
                    long t = paths.get(p).getAsLong();
                    if (round >= 0) {
                        nanos[p][round] = t;
                    }
                }
            }
            String text = report(nanos, List.of("engine (direct call)", "adapter (JCA connection)",
                    "EJB (local view)", "REST, lean keep-alive client", "REST, JDK HttpClient",
                    "GET /api/v1/contexts, lean client", "GET /api/v1/contexts, HttpClient",
                    "GET /health/live, lean client"), 5);
            System.out.println(text);
            Files.writeString(Path.of(settings.getProperty("report")), text);
        }
    }

    @Test
    @Order(2)
    @RunAsClient
    void printReport() throws IOException {
        System.out.println(Files.readString(report()));
    }

    private interface Call {
        void run() throws Exception;
    }

    private static LongSupplier timed(Call call) {
        return () -> {
            long t0 = System.nanoTime();
            try {
                call.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return System.nanoTime() - t0;
        };
    }

    private static void check(String text) {
        assertEquals(Examples.RED_CIRCLE, text.strip());
    }

    /** The first inferencePaths rows are inference paths (row 0 the direct call); the others are not. */
    private static String report(long[][] nanos, List<String> names, int inferencePaths) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "glm4v-ee overhead benchmark: %d rounds (after %d warm-up), %s, "
                + "demo model, tp 2, %d cores, %s%n", ROUNDS, WARMUP, "red circle + \"" + PROMPT + "\"",
                Runtime.getRuntime().availableProcessors(), Runtime.version()));
        s.append(String.format(Locale.ROOT, "%-36s %10s %10s %14s %14s%n", "path", "p50 ms", "p99 ms",
                "overhead p50", "overhead p99"));
        for (int p = 0; p < nanos.length; p++) {
            boolean inference = p > 0 && p < inferencePaths;
            long[] diff = new long[nanos[p].length];
            for (int i = 0; i < diff.length; i++) {
                diff[i] = nanos[p][i] - nanos[0][i];
            }
            s.append(String.format(Locale.ROOT, "%-36s %10.2f %10.2f %14s %14s%n", names.get(p),
                    ms(quantile(nanos[p], 0.50)), ms(quantile(nanos[p], 0.99)),
                    inference ? String.format(Locale.ROOT, "%.2f ms", ms(quantile(diff, 0.50))) : "-",
                    inference ? String.format(Locale.ROOT, "%.2f ms", ms(quantile(diff, 0.99))) : "-"));
        }
        s.append("overhead = the path's time minus the direct engine call's time in the same round (paired);\n"
                + "REST runs in the server's JVM against its own port; the lean client writes and reads on the\n"
                + "calling thread over one kept-alive connection, the JDK HttpClient adds its selector thread\n");
        return s.toString();
    }

    private static long quantile(long[] values, double q) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
