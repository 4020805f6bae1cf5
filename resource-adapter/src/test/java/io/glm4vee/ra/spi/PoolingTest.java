package io.glm4vee.ra.spi;

import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.ContextInfo;
import io.glm4vee.ra.api.InferenceConnection;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;
import io.glm4vee.ra.api.TokenStream;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Leases and selection over two contexts, session affinity, the bounded queue, the request timeout. */
class PoolingTest {

    /** A stream that holds its context until released: the first piece of text blocks. */
    static final class Holder implements TokenStream {
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void onText(String delta) {
            started.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void awaitStarted() throws InterruptedException {
            assertTrue(started.await(20, TimeUnit.SECONDS), "the holding request did not start");
        }
    }

    static CompletableFuture<ChatResponse> holdContext(InferenceConnection c, Holder h) {
        return async(() -> c.chat(TestAdapter.ask("holder", "What is in the picture?", TestAdapter.RED, null, 24), h));
    }

    /** On a thread of its own: the common pool may have a single thread on a small machine. */
    static <T> CompletableFuture<T> async(java.util.function.Supplier<T> work) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread th = new Thread(() -> {
            try {
                f.complete(work.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        }, "test-async");
        th.setDaemon(true);
        th.start();
        return f;
    }

    static void awaitContexts(InferenceConnection c, Predicate<java.util.List<ContextInfo>> p) {
        for (int i = 0; i < 1000; i++) {
            if (p.test(c.contexts())) {
                return;
            }
            TestAdapter.sleep(10);
        }
        throw new AssertionError("contexts never reached the expected state: " + c.contexts());
    }

    private static Glm4vResourceAdapter twoContexts(Glm4vResourceAdapter ra) {
        ra.setDevices("cpu:0,cpu:1,cpu:2,cpu:3");
        ra.setContexts(2);
        return ra;
    }

    @Test
    void connectionsLeaseDisjointContextsAndRequestsGoToTheLeastLoaded() throws Exception {
        try (TestAdapter t = TestAdapter.start(PoolingTest::twoContexts)) {
            Glm4vManagedConnection a = t.managedConnection();
            Glm4vManagedConnection b = t.managedConnection();
            assertEquals("ctx-0", a.lease().id());
            assertEquals("ctx-1", b.lease().id(), "the second lease goes to the context with fewer leases");
            try (InferenceConnection ca = TestAdapter.handle(a); InferenceConnection cb = TestAdapter.handle(b)) {
                // idle contexts: each connection's request runs on its own lease
                assertEquals("ctx-0", ca.chat(TestAdapter.ask("x", "Hello", null, null, 4)).context());
                assertEquals("ctx-1", cb.chat(TestAdapter.ask("x", "Hello", null, null, 4)).context());

                Holder h = new Holder();
                CompletableFuture<ChatResponse> held = holdContext(cb, h);
                h.awaitStarted();
                assertEquals(1, cb.contexts().get(1).active());
                // b's own context is busy: its next request goes to the least loaded one
                ChatResponse r = cb.chat(TestAdapter.ask("x", "What is in the picture?", TestAdapter.BLUE, null, 24));
                assertEquals("ctx-0", r.context());
                assertEquals("A blue square.", r.text());
                // matchManagedConnections prefers the connection whose context is less loaded
                assertEquals(a, t.mcf.matchManagedConnections(Set.of(a, b), null, null));
                h.release.countDown();
                assertEquals("A red circle.", held.get(20, TimeUnit.SECONDS).text());
                assertEquals("ctx-1", held.get().context());
            } finally {
                a.destroy();
                b.destroy();
            }
        }
    }

    @Test
    void aSessionsTurnsStayOnItsContextEvenWhenItIsBusy() throws Exception {
        try (TestAdapter t = TestAdapter.start(PoolingTest::twoContexts)) {
            Glm4vManagedConnection a = t.managedConnection();
            Glm4vManagedConnection b = t.managedConnection();
            try (InferenceConnection ca = TestAdapter.handle(a); InferenceConnection cb = TestAdapter.handle(b)) {
                String s = cb.openSession("sue");                        // pinned to b's lease, ctx-1
                assertEquals("ctx-1", ca.chat(TestAdapter.ask("sue", "What is in the picture?", TestAdapter.RED, s, 24))
                        .context(), "a session's turn goes to its context, whichever connection sends it");
                assertEquals(1, ca.contexts().get(1).sessions());

                Holder h = new Holder();
                CompletableFuture<ChatResponse> held = holdContext(cb, h);
                h.awaitStarted();
                CompletableFuture<ChatResponse> turn = async(
                        () -> ca.chat(TestAdapter.ask("sue", "What shape is it?", null, s, 24)));
                awaitContexts(ca, infos -> infos.get(1).queued() == 1);
                assertFalse(turn.isDone(), "waits for its busy context instead of moving to the idle one");
                h.release.countDown();
                assertEquals("ctx-1", turn.get(20, TimeUnit.SECONDS).context());
                held.get(20, TimeUnit.SECONDS);
            } finally {
                a.destroy();
                b.destroy();
            }
        }
    }

    @Test
    void aFullQueueAnswersOverloadedWithARetryHint() throws Exception {
        try (TestAdapter t = TestAdapter.start(ra -> ra.setQueueDepth(1))) {
            try (InferenceConnection c = t.cf.getConnection()) {
                assertEquals("1", c.settings().get("queueDepth"), "the settings in effect: " + c.settings());
            }
            try (InferenceConnection c1 = t.cf.getConnection(); InferenceConnection c2 = t.cf.getConnection();
                 InferenceConnection c3 = t.cf.getConnection()) {
                Holder h = new Holder();
                CompletableFuture<ChatResponse> running = holdContext(c1, h);
                h.awaitStarted();
                CompletableFuture<ChatResponse> queued = async(
                        () -> c2.chat(TestAdapter.ask("q", "Hello", null, null, 8)));
                awaitContexts(c3, infos -> infos.get(0).queued() == 1);
                long t0 = System.nanoTime();
                InferenceException e = TestAdapter.fails(Code.OVERLOADED,
                        () -> c3.chat(TestAdapter.ask("q3", "Hello", null, null, 8)));
                assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "refused at once, not after waiting");
                assertNotNull(e.retryAfterSeconds());
                assertTrue(e.retryAfterSeconds() >= 1, e.toString());
                assertTrue(e.getMessage().contains("queueDepth"), e.getMessage());
                assertEquals(0, c3.usage("q3").reserved(), "a refused request holds no tokens");
                assertTrue(c3.usage("q").reserved() > 0, "the queued one holds its reservation");
                h.release.countDown();
                assertEquals("A red circle.", running.get(20, TimeUnit.SECONDS).text());
                ChatResponse q = queued.get(20, TimeUnit.SECONDS);
                assertEquals("I am a small GLM-4", q.text());
                assertEquals("length", q.finishReason());
                assertEquals("A red circle.", c3.chat(TestAdapter.ask("q", "What is in the picture?", TestAdapter.RED,
                        null, 24)).text());
            }
        }
    }

    @Test
    void aRequestPastItsTimeoutFailsAndItsSessionTurnIsUndone() {
        try (TestAdapter t = TestAdapter.start(ra -> ra.setRequestTimeoutSeconds(1))) {
            try (InferenceConnection c = t.cf.getConnection()) {
                String s = c.openSession("slow");
                InferenceException e = TestAdapter.fails(Code.TIMEOUT, () -> c.chat(
                        TestAdapter.ask("slow", "What is in the picture?", TestAdapter.RED, s, 24),
                        delta -> TestAdapter.sleep(1100)));
                assertTrue(e.getMessage().contains("requestTimeoutSeconds=1"), e.getMessage());
                assertEquals(0, c.sessionHistory(s).size());
                assertEquals(0, c.usage("slow").booked() + c.usage("slow").reserved());
                assertEquals("A red circle.", c.chat(TestAdapter.ask("slow", "What is in the picture?", TestAdapter.RED,
                        s, 24)).text());
            }
        }
    }
}
