package io.glm4vee.ra.spi;

import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.ChatTimings;
import io.glm4vee.ra.api.InferenceConnection;
import io.glm4vee.ra.api.InferenceConnectionFactory;
import io.glm4vee.ra.api.InferenceException.Code;
import io.glm4vee.ra.api.MetricsSnapshot;
import io.glm4vee.ra.api.MetricsSnapshot.CardMetrics;
import io.glm4vee.ra.api.MetricsSnapshot.ContextMetrics;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ResourceAdapterInternalException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the adapter measures for /metrics (InferenceConnection.metrics()) and the timings of an
 * answer: the figures move with requests, survive a rebuild of the device group, and the test hook
 * faultInjection=load:delay:MILLIS keeps a context LOADING that long.
 */
class AdapterMetricsTest {

    @Test
    void aRequestMovesTheContextAndCardFiguresAndTheAnswerCarriesItsTimings() {
        try (TestAdapter t = TestAdapter.start(ra -> { });
             InferenceConnection c = t.cf.getConnection()) {
            MetricsSnapshot before = c.metrics();
            assertEquals(1, before.contexts().size());
            ContextMetrics ctx0 = before.contexts().get(0);
            assertEquals("ctx-0", ctx0.id());
            assertEquals("READY", ctx0.state());
            assertEquals(0, ctx0.served());
            assertEquals(List.of("cpu:0", "cpu:1"), before.cards().stream().map(CardMetrics::id).toList());
            assertTrue(before.cards().stream().allMatch(k -> k.weightBytes() > 0 && k.context().equals("ctx-0")),
                    before.toString());

            ChatResponse r = c.chat(TestAdapter.ask("ann", "What is in the picture?", TestAdapter.RED, null, 24));
            assertEquals("A red circle.", r.text());
            ChatTimings timing = r.timings();
            assertTrue(timing != null && timing.prefillNanos() > 0 && timing.decodeNanos() > 0, String.valueOf(timing));
            assertTrue(timing.timeToFirstTokenNanos() >= timing.prefillNanos() + timing.queueNanos(), timing.toString());
            assertTrue(timing.queueNanos() >= 0, timing.toString());
            assertTrue(timing.decodeTokensPerSecond(r.completionTokens()) > 0, timing.toString());

            MetricsSnapshot after = c.metrics();
            assertEquals(1, after.contexts().get(0).served());
            assertEquals(0, after.contexts().get(0).queued());
            for (int i = 0; i < 2; i++) {
                CardMetrics b = before.cards().get(i);
                CardMetrics a = after.cards().get(i);
                assertTrue(a.busyNanos() > b.busyNanos() && a.opsRun() > b.opsRun(), b + " -> " + a);
                assertEquals(b.weightBytes(), a.weightBytes());
                assertEquals(a.weightBytes() + a.kvBytes(), a.memoryBytes());
            }
        }
    }

    @Test
    void sessionsShowTheirKvCacheOnTheCards() {
        try (TestAdapter t = TestAdapter.start(ra -> { });
             InferenceConnection c = t.cf.getConnection()) {
            String s = c.openSession("kim");
            c.chat(TestAdapter.ask("kim", "Hello", null, s, 8));
            MetricsSnapshot m = c.metrics();
            ContextMetrics ctx = m.contexts().get(0);
            assertEquals(1, ctx.sessions());
            assertTrue(ctx.kvBytes() > 0, ctx.toString());
            assertEquals(ctx.kvBytes(), m.cards().stream().mapToLong(CardMetrics::kvBytes).sum(), m.toString());
            c.closeSession(s);
            assertEquals(0, c.metrics().contexts().get(0).kvBytes());
        }
    }

    @Test
    void countersSurviveARebuildOfTheDeviceGroup() {
        try (TestAdapter t = TestAdapter.start(ra -> ra.setFaultInjection("cpu:0:lm_head:throw"))) {
            MetricsSnapshot failedOnce;
            try (InferenceConnection c = t.cf.getConnection()) {
                TestAdapter.fails(Code.DEVICE_FAILED, () -> c.chat(TestAdapter.ask(null, "Hello", null, null, 8)));
            }
            t.awaitAllReady();
            try (InferenceConnection c = t.cf.getConnection()) {
                failedOnce = c.metrics();
                ContextMetrics ctx = failedOnce.contexts().get(0);
                assertEquals(1, ctx.cardFailures(), ctx.toString());
                assertEquals(1, ctx.rebuilds(), ctx.toString());
                assertTrue(failedOnce.cards().stream().allMatch(k -> k.busyNanos() > 0 && k.opsRun() > 0),
                        "the failed group's work is still counted: " + failedOnce);
                c.chat(TestAdapter.ask(null, "Hello", null, null, 8));
                MetricsSnapshot after = c.metrics();
                for (int i = 0; i < 2; i++) {
                    assertTrue(after.cards().get(i).opsRun() > failedOnce.cards().get(i).opsRun(), after.toString());
                }
                assertTrue(after.contexts().get(0).contiguousCopies() >= failedOnce.contexts().get(0).contiguousCopies());
                c.rebuild("ctx-0");                                  // an administrator's rebuild counts too
                assertEquals(2, c.metrics().contexts().get(0).rebuilds());
            }
        }
    }

    @Test
    void theLoadDelayHookKeepsTheContextLoadingThatLong() throws Exception {
        TestAdapter t = new TestAdapter();
        t.ra.setModelPath(TestAdapter.demoModel().toString());
        t.ra.setFaultInjection("load:delay:1500");
        try {
            long t0 = System.nanoTime();
            t.ra.start(t.bootstrap);
            t.mcf.setResourceAdapter(t.ra);
            t.cf = (InferenceConnectionFactory) t.mcf.createConnectionFactory();
            try (InferenceConnection c = t.cf.getConnection()) {
                assertEquals("LOADING", c.metrics().contexts().get(0).state());
                assertEquals(0, c.metrics().cards().get(0).weightBytes(), "nothing loaded yet");
            }
            t.awaitAllReady();
            assertTrue(System.nanoTime() - t0 >= 1_500_000_000L, "READY only after the delay");
        } finally {
            t.close();
        }
    }

    @Test
    void aBadLoadDelayIsRefusedAtStart() {
        Glm4vResourceAdapter ra = new Glm4vResourceAdapter();
        ra.setModelPath(TestAdapter.demoModel().toString());
        ra.setFaultInjection("load:delay:soon");
        ResourceAdapterInternalException e = assertThrows(ResourceAdapterInternalException.class,
                () -> ra.start(new TestBootstrap()));
        assertTrue(e.getMessage().contains("'load:delay:soon' must be load:delay:MILLIS"), e.getMessage());
        ra.stop();
    }

    @Test
    void aConnectionWithoutMetricsReportsNone() throws ResourceException {
        InferenceConnection bare = new InferenceConnection() {
            // only what a minimal implementation must have; metrics() is the interface's default
            public ChatResponse chat(io.glm4vee.ra.api.ChatRequest r) { return null; }
            public ChatResponse chat(io.glm4vee.ra.api.ChatRequest r, io.glm4vee.ra.api.TokenStream s) { return null; }
            public String openSession(String caller) { return null; }
            public void closeSession(String id) { }
            public List<io.glm4vee.ra.api.ChatMessage> sessionHistory(String id) { return List.of(); }
            public io.glm4vee.ra.api.JobStatus submit(io.glm4vee.ra.api.ChatRequest r) { return null; }
            public io.glm4vee.ra.api.JobStatus job(String id) { return null; }
            public io.glm4vee.ra.api.UsageReport usage(String caller) { return null; }
            public List<io.glm4vee.ra.api.DeviceInfo> devices() { return List.of(); }
            public List<io.glm4vee.ra.api.ContextInfo> contexts() { return List.of(); }
            public void drain(String id) { }
            public void rebuild(String id) { }
            public void close() { }
        };
        assertEquals(MetricsSnapshot.empty(), bare.metrics());
    }
}
