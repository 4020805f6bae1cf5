package io.glm4vee.ra.spi;

import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.ContextInfo;
import io.glm4vee.ra.api.DeviceInfo;
import io.glm4vee.ra.api.InferenceConnection;
import jakarta.resource.spi.ResourceAdapterInternalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** start(): validation, loading on the WorkManager, the demo answer with tp 2; stop(): nothing left behind. */
class AdapterLifecycleTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "backend|ascend|backend=ascend: the ascend backend is not built in this version",
        "contexts|2|contexts=2: contexts x tensorParallelSize = 2 x 2 = 4 cards, but devices lists only 2",
        "devices|cpu:0,cpu:0|devices=cpu:0,cpu:0: card cpu:0 is listed twice",
        "tensorParallelSize|3|tensorParallelSize=3: this checkpoint cannot be split over 3 cards",
        "maxSequenceLength|1000|maxSequenceLength=1000: must not exceed the model's seq_length 512",
        "modelPath|/no/such/model|modelPath=/no/such/model: is not a directory",
        "modelPath||modelPath=(not set): is required",
        "queueDepth|-1|queueDepth=-1: must be in 0..100000",
        "faultInjection|cpu:1:matmul_allreduce:explode|faultInjection=cpu:1:matmul_allreduce:explode: rule 'cpu:1:matmul_allreduce:explode' must look like",
        "requestTimeoutSeconds|0|requestTimeoutSeconds=0: must be in 1..86400"})
    void startRefusesABadPropertyNamingKeyValueAndRule(String key, String value, String message) {
        Glm4vResourceAdapter ra = new Glm4vResourceAdapter();
        ra.setModelPath(TestAdapter.demoModel().toString());
        ra.setDevices("cpu:0,cpu:1,cpu:2");
        set(ra, key, value);
        ResourceAdapterInternalException e = assertThrows(ResourceAdapterInternalException.class,
                () -> ra.start(new TestBootstrap()));
        assertTrue(e.getMessage().contains(message), e.getMessage());
        ra.stop();                                    // harmless after a failed start
    }

    private static void set(Glm4vResourceAdapter ra, String key, String value) {
        switch (key) {
            case "backend" -> ra.setBackend(value);
            case "contexts" -> {
                ra.setDevices("cpu:0,cpu:1");
                ra.setContexts(Integer.valueOf(value));
            }
            case "devices" -> ra.setDevices(value);
            case "tensorParallelSize" -> ra.setTensorParallelSize(Integer.valueOf(value));
            case "maxSequenceLength" -> ra.setMaxSequenceLength(Integer.valueOf(value));
            case "modelPath" -> ra.setModelPath(value);
            case "queueDepth" -> ra.setQueueDepth(Integer.valueOf(value));
            case "faultInjection" -> ra.setFaultInjection(value);
            case "requestTimeoutSeconds" -> ra.setRequestTimeoutSeconds(Integer.valueOf(value));
            default -> throw new IllegalArgumentException(key);
        }
    }

    @Test
    void startLoadsOnTheWorkManagerAndTheDemoModelAnswersWithTwoCards() {
        try (TestAdapter t = TestAdapter.start(ra -> { })) {
            assertEquals(1, t.bootstrap.workManager.ranOn.size(), "one load per context, on the WorkManager");
            assertTrue(t.bootstrap.workManager.ranOn.get(0).startsWith("test-wm-"));
            assertEquals(Thread.currentThread().getName(), t.bootstrap.workManager.scheduledFrom.get(0),
                    "scheduled by start(), which returned without loading");
            try (InferenceConnection c = t.cf.getConnection()) {
                ChatResponse r = c.chat(TestAdapter.ask("alice", "What is in the picture?", TestAdapter.RED, null, null));
                assertEquals("A red circle.", r.text());
                assertEquals("stop", r.finishReason());
                assertEquals("ctx-0", r.context());
                assertTrue(r.promptTokens() > 5 && r.completionTokens() > 1, r.toString());
                List<DeviceInfo> devices = c.devices();
                assertEquals(List.of("cpu:0", "cpu:1"), devices.stream().map(DeviceInfo::id).toList());
                assertTrue(devices.stream().allMatch(d -> d.weightBytes() > 0 && d.state().equals("READY")), devices.toString());
                assertEquals("2", c.settings().get("tensorParallelSize"), c.settings().toString());
                assertEquals("cpu:0,cpu:1", c.settings().get("devices"));
                assertEquals(TestAdapter.demoModel().toString(), c.settings().get("modelPath"));
                ContextInfo ctx = c.contexts().get(0);
                assertEquals(List.of("cpu:0", "cpu:1"), ctx.devices());
                assertEquals(1, ctx.served());
            }
        }
    }

    @Test
    void requestsWaitForLoadingBoundedAndThenRun() {
        // start() returns while loading; a request right away waits for READY (bounded) instead of failing
        TestAdapter t = new TestAdapter();
        t.ra.setModelPath(TestAdapter.demoModel().toString());
        try {
            t.ra.start(t.bootstrap);
            t.mcf.setResourceAdapter(t.ra);
            t.cf = (io.glm4vee.ra.api.InferenceConnectionFactory) t.mcf.createConnectionFactory();
            try (InferenceConnection c = t.cf.getConnection()) {
                assertEquals("A red circle.", c.chat(TestAdapter.ask(null, "What is in the picture?", TestAdapter.RED,
                        null, 24)).text());
            }
        } catch (jakarta.resource.ResourceException e) {
            throw new IllegalStateException(e);
        } finally {
            t.close();
        }
    }

    @Test
    void withoutABootstrapContextLoadsRunOnAdapterThreads() throws Exception {
        Glm4vResourceAdapter ra = new Glm4vResourceAdapter();
        ra.setModelPath(TestAdapter.demoModel().toString());
        ra.start(null);
        try {
            Glm4vManagedConnectionFactory mcf = new Glm4vManagedConnectionFactory();
            mcf.setResourceAdapter(ra);
            var cf = (io.glm4vee.ra.api.InferenceConnectionFactory) mcf.createConnectionFactory();
            try (InferenceConnection c = cf.getConnection()) {
                assertEquals("A blue square.", c.chat(TestAdapter.ask(null, "What is in the picture?", TestAdapter.BLUE,
                        null, 24)).text());
            }
        } finally {
            ra.stop();
        }
        assertThrows(jakarta.resource.ResourceException.class, ra::runtime, "stopped");
    }

    @Test
    void stopLeavesNoAdapterThreadAfterThreeCycles() {
        for (int cycle = 0; cycle < 3; cycle++) {
            Consumer<Glm4vResourceAdapter> twoContexts = ra -> {
                ra.setDevices("cpu:0,cpu:1,cpu:2,cpu:3");
                ra.setContexts(2);
                ra.setThreadsPerCard(2);
            };
            TestAdapter t = TestAdapter.start(twoContexts);
            try (InferenceConnection c = t.cf.getConnection()) {
                c.chat(TestAdapter.ask("bob", "Hello", null, null, 8));
                c.submit(TestAdapter.ask("bob", "Hi", null, null, 4));      // starts a job thread
                assertFalse(glm4vThreads().isEmpty());
                assertTrue(java.nio.file.Files.notExists(java.nio.file.Path.of("/proc/self/maps"))
                        || !mappedWeights().isEmpty(), "the weights are mapped while started");
            }
            t.close();
            t.close();                                     // idempotent
        }
        assertEquals(List.of(), glm4vThreads(), "no card, worker or job thread outlives stop()");
        assertEquals(List.of(), mappedWeights(), "no weight file stays mapped");
    }

    /** Lines of /proc/self/maps that map the demo model's weights (Linux; empty elsewhere). */
    static List<String> mappedWeights() {
        java.nio.file.Path maps = java.nio.file.Path.of("/proc/self/maps");
        if (!java.nio.file.Files.isReadable(maps)) {
            return List.of();
        }
        try {
            return java.nio.file.Files.readAllLines(maps).stream()
                    .filter(l -> l.contains("glm4v-shapes-demo/model.safetensors")).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<String> glm4vThreads() {
        List<String> names = new ArrayList<>();
        for (Thread th : Thread.getAllStackTraces().keySet()) {
            if (th.isAlive() && th.getName().startsWith("glm4v-")) {
                names.add(th.getName());
            }
        }
        return names;
    }
}
