package io.glm4vee.ra.spi;

import io.glm4vee.ra.api.ContextInfo;
import io.glm4vee.ra.api.InferenceConnection;
import jakarta.resource.ResourceException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two adapter instances of one application on the same cards: what Open Liberty does when the
 * adapter's properties change (it starts an instance with the new properties before it stops the
 * running one). The second instance's contexts wait, LOADING, until the first has freed the cards, so
 * that two replicas never occupy one card; cards that nobody holds are loaded at once.
 */
class CardClaimsTest {

    private static String state(TestAdapter t, int context) {
        try {
            List<ContextInfo> infos = t.ra.runtime().contexts();
            return infos.get(context).state();
        } catch (ResourceException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String redCircle(TestAdapter t) {
        try (InferenceConnection c = t.cf.getConnection()) {
            return c.chat(TestAdapter.ask(null, "What is in the picture?", TestAdapter.RED, null, 24)).text();
        }
    }

    @Test
    void aSecondInstanceOnTheSameCardsLoadsOnlyAfterTheFirstHasStopped() {
        TestAdapter first = TestAdapter.start(ra -> { });
        TestAdapter second = null;
        try {
            second = TestAdapter.begin(ra -> ra.setQueueDepth(4));
            TestAdapter.sleep(1_500);
            assertEquals("LOADING", state(second, 0), "the cards are the first instance's");
            assertEquals("A red circle.", redCircle(first), "the first instance still serves");
            first.close();
            second.awaitAllReady();
            assertEquals("A red circle.", redCircle(second));
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
        }
        assertEquals(List.of(), AdapterLifecycleTest.glm4vThreads());
    }

    @Test
    void stoppingAWaitingInstanceEndsItsWaitAtOnce() {
        TestAdapter first = TestAdapter.start(ra -> { });
        try {
            TestAdapter second = TestAdapter.begin(ra -> { });
            TestAdapter.sleep(300);
            long t0 = System.nanoTime();
            second.close();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(millis < 5_000, "stop() of an instance waiting for cards took " + millis + " ms");
            assertEquals("A red circle.", redCircle(first), "the first instance keeps its cards");
        } finally {
            first.close();
        }
        for (int i = 0; i < 500 && !AdapterLifecycleTest.glm4vThreads().isEmpty(); i++) {
            TestAdapter.sleep(10);                  // the waiting load ends on its WorkManager thread
        }
        assertEquals(List.of(), AdapterLifecycleTest.glm4vThreads());
    }

    @Test
    void otherCardsLoadAtOnce() {
        try (TestAdapter first = TestAdapter.start(ra -> { });
             TestAdapter second = TestAdapter.start(ra -> ra.setDevices("cpu:2,cpu:3"))) {
            assertEquals("READY", state(second, 0));
            assertEquals("A red circle.", redCircle(second));
            assertEquals("A red circle.", redCircle(first));
        }
    }

    @Test
    void cardsOfAFailedLoadAreFreeForOthers(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path model = dir.resolve("model");
        java.nio.file.Files.createDirectories(model);
        try (var files = java.nio.file.Files.list(TestAdapter.demoModel())) {
            for (java.nio.file.Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                java.nio.file.Files.copy(f, model.resolve(f.getFileName()));
            }
        }
        // the checks at start() read config.json and the tokenizer; the weights go before the (delayed) load reads them
        try (TestAdapter broken = TestAdapter.begin(ra -> {
            ra.setModelPath(model.toString());
            ra.setFaultInjection("load:delay:1000");
        })) {
            java.nio.file.Files.delete(model.resolve("model.safetensors"));
            for (int i = 0; i < 1000 && !state(broken, 0).equals("FAILED"); i++) {
                TestAdapter.sleep(10);
            }
            assertEquals("FAILED", state(broken, 0), "the load fails without its weights");
            try (TestAdapter other = TestAdapter.start(ra -> { })) {
                assertEquals("A red circle.", redCircle(other), "the failed context holds no cards");
            }
        }
    }
}
