package io.glm4vee.ra.spi;

import io.glm4vee.ra.api.InferenceConnection;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The adapter on backend=ascend (npu:0, npu:1, tp 2) through the bundled glm4v-ascend jar and
 * the CANN-API simulator: the demo answer, then a card that stops answering inside the fused
 * MatmulAllReduce (its peer waits in the collective): a bounded TIMEOUT, the context is rebuilt
 * on new AscendCL contexts and HCCL communicators, and the next request is answered again.
 */
class AscendBackendTest {

    @Test
    void theDemoAnswerOnSimulatedAscendCards() throws Exception {
        try (TestAdapter t = TestAdapter.start(ra -> {
            ra.setBackend("ascend");
            ra.setDevices("npu:0,npu:1");
        })) {
            try (InferenceConnection c = t.cf.getConnection()) {
                assertEquals("A red circle.", c.chat(TestAdapter.ask("zoe", "What is in the picture?", TestAdapter.RED,
                        null, 24)).text());
                assertEquals("npu:0", c.contexts().get(0).devices().get(0));
            }
        }
    }

    @Test
    void aHungCardTimesOutAndTheRebuiltAscendContextAnswers() throws Exception {
        try (TestAdapter t = TestAdapter.start(ra -> {
            ra.setBackend("ascend");
            ra.setDevices("npu:0,npu:1");
            ra.setDeviceTimeoutSeconds(2);
            ra.setFaultInjection("npu:1:matmul_allreduce:hang");
        })) {
            try (InferenceConnection c = t.cf.getConnection()) {
                long t0 = System.nanoTime();
                InferenceException e = TestAdapter.fails(Code.TIMEOUT,
                        () -> c.chat(TestAdapter.ask("zoe", "What is in the picture?", TestAdapter.RED, null, 24)));
                assertTrue((System.nanoTime() - t0) / 1_000_000 < 15_000, "bounded by the device timeout");
                assertTrue(e.getMessage().contains("npu:1"), e.getMessage());
                assertTrue(e.getMessage().contains("being rebuilt"), e.getMessage());
            }
            t.awaitAllReady();
            try (InferenceConnection c = t.cf.getConnection()) {
                assertEquals("A red circle.", c.chat(TestAdapter.ask("zoe", "What is in the picture?", TestAdapter.RED,
                        null, 24)).text());
                assertEquals(1, c.metrics().contexts().get(0).rebuilds());
            }
        }
    }
    /** A static int/long of the bundled glm4v-ascend jar (runtime scope: not compiled against). */
    private static long ascendStatic(String cls, String method, Object... args) throws Exception {
        Class<?> c = Class.forName(cls);
        for (java.lang.reflect.Method m : c.getMethods()) {
            if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                return ((Number) m.invoke(null, args)).longValue();
            }
        }
        throw new NoSuchMethodException(cls + "." + method);
    }

    @Test
    void stoppingTheAdapterReleasesAscendClAndEveryNativeObject() throws Exception {
        // Liberty stops the adapter (and drops its class loader) on any config change: what the
        // adapter opened must be closed then, or the next incarnation finds AscendCL still held
        for (int round = 0; round < 2; round++) {
            try (TestAdapter t = TestAdapter.start(ra -> {
                ra.setBackend("ascend");
                ra.setDevices("npu:0,npu:1");
            })) {
                try (InferenceConnection c = t.cf.getConnection()) {
                    assertEquals("A red circle.", c.chat(TestAdapter.ask("zoe", "What is in the picture?",
                            TestAdapter.RED, null, 24)).text());
                }
                assertTrue(ascendStatic("io.glm4vee.ascend.runtime.AscendRuntime", "holders") > 0);
            }
            assertEquals(0, ascendStatic("io.glm4vee.ascend.runtime.AscendRuntime", "holders"),
                    "AscendCL still held after stop() (round " + round + ")");
            assertEquals(0, ascendStatic("io.glm4vee.ascend.acl.Glm4vSim", "glm4vSimLiveObjects", 0),
                    "native objects left after stop() (round " + round + ")");
        }
    }
    private static long liveAfterChores() throws Exception {
        long before = ascendStatic("io.glm4vee.ascend.acl.Glm4vSim", "glm4vSimLiveObjects", 0);
        while (true) {                                   // the card threads free between ops, every 50 ms
            Thread.sleep(200);
            long now = ascendStatic("io.glm4vee.ascend.acl.Glm4vSim", "glm4vSimLiveObjects", 0);
            if (now == before) {
                return now;
            }
            before = now;
        }
    }

    @Test
    void aClosedSessionsKvCacheLeavesTheCardsAtOnce() throws Exception {
        try (TestAdapter t = TestAdapter.start(ra -> {
            ra.setBackend("ascend");
            ra.setDevices("npu:0,npu:1");
        })) {
            try (InferenceConnection c = t.cf.getConnection()) {
                c.chat(TestAdapter.ask("zoe", "What is in the picture?", TestAdapter.RED, null, 24));
                long idle = liveAfterChores();          // a stateless chat keeps nothing
                String session = c.openSession("zoe");
                c.chat(TestAdapter.ask("zoe", "What is in the picture?", TestAdapter.RED, session, 24));
                c.chat(TestAdapter.ask("zoe", "What colour is it?", null, session, 8));
                long withSession = liveAfterChores();
                assertTrue(withSession > idle, withSession + " live objects with a session's KV cache, " + idle
                        + " without");
                c.closeSession(session);
                assertEquals(idle, liveAfterChores(), "the closed session's KV cache is still on the cards");
            }
        }
    }
}
