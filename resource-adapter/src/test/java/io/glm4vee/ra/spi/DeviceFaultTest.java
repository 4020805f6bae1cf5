package io.glm4vee.ra.spi;

import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.InferenceConnection;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A card fault (injected with the faultInjection property) fails the request with DEVICE_FAILED,
 * fires CONNECTION_ERROR_OCCURRED, takes the context out of service and rebuilds it; the next
 * request works. Sessions keep their committed history across the rebuild.
 */
class DeviceFaultTest {

    static final class Events implements ConnectionEventListener {
        final List<ConnectionEvent> errors = new CopyOnWriteArrayList<>();
        final List<ConnectionEvent> closed = new CopyOnWriteArrayList<>();

        @Override
        public void connectionClosed(ConnectionEvent e) {
            closed.add(e);
        }

        @Override
        public void localTransactionStarted(ConnectionEvent e) {
        }

        @Override
        public void localTransactionCommitted(ConnectionEvent e) {
        }

        @Override
        public void localTransactionRolledback(ConnectionEvent e) {
        }

        @Override
        public void connectionErrorOccurred(ConnectionEvent e) {
            errors.add(e);
        }
    }

    @ParameterizedTest(name = "launchBlocking={0}")
    @ValueSource(booleans = {false, true})
    void aFailedCardFiresConnectionErrorAndTheRebuiltContextServesTheNextRequest(boolean launchBlocking)
            throws Exception {
        try (TestAdapter t = TestAdapter.start(ra -> {
            ra.setFaultInjection("cpu:1:matmul_allreduce:throw");
            ra.setLaunchBlocking(launchBlocking);
        })) {
            Glm4vManagedConnection mc = t.managedConnection();
            Events events = new Events();
            mc.addConnectionEventListener(events);
            InferenceConnection h = TestAdapter.handle(mc);
            InferenceException e = TestAdapter.fails(Code.DEVICE_FAILED,
                    () -> h.chat(TestAdapter.ask("zoe", "What is in the picture?", TestAdapter.RED, null, 24)));
            assertTrue(e.getMessage().contains("ctx-0 failed and is being rebuilt"), e.getMessage());
            assertTrue(e.getMessage().contains(launchBlocking ? "op matmul_allreduce" : "--launch-blocking"),
                    e.getMessage());
            assertEquals(1, events.errors.size(), "CONNECTION_ERROR_OCCURRED fired once");
            ConnectionEvent ev = events.errors.get(0);
            assertEquals(ConnectionEvent.CONNECTION_ERROR_OCCURRED, ev.getId());
            assertSame(mc, ev.getSource());
            assertSame(h, ev.getConnectionHandle());
            assertSame(e.getClass(), ev.getException().getClass());
            assertEquals(Set.of(mc), t.mcf.getInvalidConnections(Set.of(mc)), "reported for the server to replace");
            assertEquals(0, h.usage("zoe").booked() + h.usage("zoe").reserved(), "a failed request costs nothing");

            // the server destroys the broken connection; a new one works once the context is rebuilt (bounded wait)
            mc.destroy();
            TestAdapter.fails(Code.UNAVAILABLE, () -> h.contexts());
            try (InferenceConnection c = t.cf.getConnection()) {
                assertEquals("A red circle.", c.chat(TestAdapter.ask("zoe", "What is in the picture?", TestAdapter.RED,
                        null, 24)).text());
                assertEquals("READY", c.contexts().get(0).state());
                assertEquals(null, c.contexts().get(0).failure());
            }
        }
    }

    @Test
    void theBuiltInConnectionManagerReplacesTheBrokenConnection() {
        try (TestAdapter t = TestAdapter.start(ra -> ra.setFaultInjection("cpu:0:lm_head:throw"))) {
            try (InferenceConnection c = t.cf.getConnection()) {
                TestAdapter.fails(Code.DEVICE_FAILED, () -> c.chat(TestAdapter.ask(null, "Hello", null, null, 8)));
                TestAdapter.fails(Code.UNAVAILABLE, () -> c.chat(TestAdapter.ask(null, "Hello", null, null, 8)));
            }
            try (InferenceConnection c = t.cf.getConnection()) {
                assertEquals("I am a small GLM-4", c.chat(TestAdapter.ask(null, "Hello", null, null, 8)).text());
            }
        }
    }

    @Test
    void aSessionKeepsItsCommittedHistoryWhenItsContextIsRebuilt() {
        // the vision tower fails: text-only turns run, the first turn with a picture hits the fault
        try (TestAdapter t = TestAdapter.start(ra -> ra.setFaultInjection("cpu:1:patch_embedding:throw"))) {
            String s;
            try (InferenceConnection c = t.cf.getConnection()) {
                s = c.openSession("yan");
                c.chat(TestAdapter.ask("yan", "Hello", null, s, 24));
                TestAdapter.fails(Code.DEVICE_FAILED,
                        () -> c.chat(TestAdapter.ask("yan", "What is in the picture?", TestAdapter.RED, s, 24)));
            }
            try (InferenceConnection c = t.cf.getConnection()) {
                assertEquals(2, c.sessionHistory(s).size(), "the failed turn is not in the history");
                String answer = c.chat(TestAdapter.ask("yan", "What is in the picture?", TestAdapter.RED, s, 24)).text();
                List<ChatMessage> h = c.sessionHistory(s);
                assertEquals(4, h.size());
                assertEquals(new ChatMessage("assistant", answer), h.get(3));
                // the cache was recomputed from the history: same answer as sending the whole conversation
                String stateless = c.chat(new io.glm4vee.ra.api.ChatRequest("yan", h.subList(0, 3),
                        TestAdapter.image(TestAdapter.RED), 24, null, null, null, null, null, null)).text();
                assertEquals(stateless, answer);
            }
        }
    }

    @Test
    void aHungCardTimesOutWithinTheDeviceTimeoutAndIsRebuilt() {
        try (TestAdapter t = TestAdapter.start(ra -> {
            ra.setFaultInjection("cpu:1:attention@0:hang");
            ra.setDeviceTimeoutSeconds(1);
        })) {
            try (InferenceConnection c = t.cf.getConnection()) {
                long t0 = System.nanoTime();
                InferenceException e = TestAdapter.fails(Code.TIMEOUT,
                        () -> c.chat(TestAdapter.ask(null, "Hello", null, null, 8)));
                assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "bounded by deviceTimeoutSeconds");
                assertTrue(e.getMessage().contains("cpu:1 did not finish"), e.getMessage());
            }
            try (InferenceConnection c = t.cf.getConnection()) {
                assertEquals("I am a small GLM-4", c.chat(TestAdapter.ask(null, "Hello", null, null, 8)).text());
            }
        }
    }

    @Test
    void drainedContextsReportTheirConnectionsInvalidUntilRebuilt() throws Exception {
        try (TestAdapter t = TestAdapter.start(ra -> { })) {
            Glm4vManagedConnection mc = t.managedConnection();
            try (InferenceConnection c = TestAdapter.handle(mc)) {
                c.drain("ctx-0");
                assertEquals("DRAINING", c.contexts().get(0).state());
                assertEquals(Set.of(mc), t.mcf.getInvalidConnections(Set.of(mc)));
                assertEquals(null, t.mcf.matchManagedConnections(Set.of(mc), null, null));
                TestAdapter.fails(Code.UNAVAILABLE, () -> c.chat(TestAdapter.ask(null, "Hello", null, null, 8)));
                c.rebuild("ctx-0");
                assertEquals("READY", c.contexts().get(0).state());
                assertEquals(Set.of(), t.mcf.getInvalidConnections(Set.of(mc)));
                assertEquals("I am a small GLM-4", c.chat(TestAdapter.ask(null, "Hello", null, null, 8)).text());
                TestAdapter.fails(Code.NOT_FOUND, () -> c.drain("ctx-9"));
            } finally {
                mc.destroy();
            }
        }
    }

    @Test
    void aDrainedAdapterStillGivesConnectionsForStatusAndRebuild() throws Exception {
        try (TestAdapter t = TestAdapter.start(ra -> { })) {
            try (InferenceConnection c = t.cf.getConnection()) {
                c.drain("ctx-0");
            }
            try (InferenceConnection c = t.cf.getConnection()) {           // no context in service now
                assertEquals("DRAINING", c.contexts().get(0).state());
                TestAdapter.fails(Code.UNAVAILABLE, () -> c.chat(TestAdapter.ask(null, "Hello", null, null, 8)));
                c.rebuild("ctx-0");
                assertEquals("READY", c.contexts().get(0).state());
            }
            try (InferenceConnection c = t.cf.getConnection()) {
                assertEquals("I am a small GLM-4", c.chat(TestAdapter.ask(null, "Hello", null, null, 8)).text());
            }
        }
    }
}
