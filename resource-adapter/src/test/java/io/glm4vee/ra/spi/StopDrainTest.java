package io.glm4vee.ra.spi;

import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.InferenceConnection;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * stop() drains before it frees: this is what a running request sees when the server restarts the
 * adapter because its configuration changed (Open Liberty restarts the application for every change of
 * the adapter's properties, the connection factory or its pool; Payara when the application is
 * re-enabled). Requests running or queued finish; new ones are refused at once with UNAVAILABLE and a
 * retry hint; a request that outlives the drain bound is ended, and stop() still returns in bounded time.
 */
class StopDrainTest {

    @Test
    void runningAndQueuedRequestsFinishNewOnesGetUnavailableAndStopWaitsForThem() throws Exception {
        TestAdapter t = TestAdapter.start(ra -> ra.setRequestTimeoutSeconds(30));
        PoolingTest.Holder holder = new PoolingTest.Holder();
        CompletableFuture<ChatResponse> running;
        CompletableFuture<ChatResponse> queued;
        try (InferenceConnection a = t.cf.getConnection(); InferenceConnection b = t.cf.getConnection();
             InferenceConnection c = t.cf.getConnection()) {
            running = PoolingTest.holdContext(a, holder);
            holder.awaitStarted();
            queued = PoolingTest.async(() -> b.chat(TestAdapter.ask("q", "What is in the picture?", TestAdapter.BLUE,
                    null, 24)));
            PoolingTest.awaitContexts(c, l -> l.get(0).queued() == 1);

            var runtime = t.ra.runtime();               // before stop(), which lets go of it at once
            CompletableFuture<Void> stop = PoolingTest.async(() -> {
                t.ra.stop();
                return null;
            });
            // stop() is draining: it does not return while the request runs, and a new request is refused at once
            for (int i = 0; i < 2000 && !runtime.isStopping(); i++) {
                TestAdapter.sleep(5);
            }
            assertTrue(runtime.isStopping(), "stop() has begun");
            long t0 = System.nanoTime();
            InferenceException refused = TestAdapter.fails(Code.UNAVAILABLE,
                    () -> c.chat(TestAdapter.ask("late", "Hello", null, null, 8)));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "refused at once, not after waiting");
            assertEquals(5, refused.retryAfterSeconds(), refused.getMessage());
            assertTrue(refused.getMessage().contains("stopping"), refused.getMessage());
            assertFalse(stop.isDone(), "stop() must wait for the running request");

            holder.release.countDown();
            assertEquals("A red circle.", running.get(20, TimeUnit.SECONDS).text(), "the running request finished");
            assertEquals("A blue square.", queued.get(20, TimeUnit.SECONDS).text(), "the queued request ran too");
            stop.get(20, TimeUnit.SECONDS);
        } finally {
            holder.release.countDown();
            t.close();
        }
        assertEquals(List.of(), AdapterLifecycleTest.glm4vThreads(), "no card or job thread outlives stop()");
        assertEquals(List.of(), AdapterLifecycleTest.mappedWeights(), "no weight file stays mapped");
    }

    @Test
    void aRequestThatOutlivesTheDrainBoundIsEndedAndStopReturnsInBoundedTime() throws Exception {
        // requestTimeoutSeconds=3: the drain bound is 3 s, then the running request is cancelled
        TestAdapter t = TestAdapter.start(ra -> ra.setRequestTimeoutSeconds(3));
        PoolingTest.Holder holder = new PoolingTest.Holder();
        try (InferenceConnection a = t.cf.getConnection()) {
            CompletableFuture<ChatResponse> running = PoolingTest.holdContext(a, holder);
            holder.awaitStarted();
            long t0 = System.nanoTime();
            t.ra.stop();
            long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(stopMillis >= 2_900, "stop() waited for the drain bound first, took " + stopMillis + " ms");
            assertTrue(stopMillis < 15_000, "stop() is bounded, took " + stopMillis + " ms");
            holder.release.countDown();
            try {
                ChatResponse r = running.get(20, TimeUnit.SECONDS);
                fail("a request cut short by stop() must fail, got " + r);
            } catch (ExecutionException e) {
                InferenceException ie = assertInstanceOf(InferenceException.class, e.getCause());
                assertTrue(ie.code() == Code.UNAVAILABLE || ie.code() == Code.TIMEOUT, ie.code() + ": " + ie.getMessage());
            }
        } finally {
            holder.release.countDown();
            t.close();
        }
        assertEquals(List.of(), AdapterLifecycleTest.glm4vThreads(), "no card or job thread outlives stop()");
    }

    @Test
    void stopDuringTheLoadDoesNotWaitForTheLoad() {
        TestAdapter t = new TestAdapter();
        t.ra.setModelPath(TestAdapter.demoModel().toString());
        t.ra.setFaultInjection("load:delay:20000");     // the context stays LOADING for 20 s
        try {
            t.ra.start(t.bootstrap);
        } catch (jakarta.resource.ResourceException e) {
            throw new IllegalStateException(e);
        }
        long t0 = System.nanoTime();
        t.ra.stop();
        long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(stopMillis < 5_000, "nothing runs on a loading context: stop() returns at once, took "
                + stopMillis + " ms");
        for (int i = 0; i < 500 && !AdapterLifecycleTest.glm4vThreads().isEmpty(); i++) {
            TestAdapter.sleep(10);                      // the cancelled load ends on its WorkManager thread
        }
        assertEquals(List.of(), AdapterLifecycleTest.glm4vThreads());
    }
}
