package io.glm4vee.ra.spi;

import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.InferenceConnection;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;
import io.glm4vee.ra.context.ChatSession;
import jakarta.resource.ResourceException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kvCacheBudgetBytes: idle sessions' KV caches are released oldest first to make room (their
 * history stays and is recomputed), a turn larger than the budget is refused, and caches held by
 * open transactions are never taken.
 */
class SessionBudgetTest {
    // A first picture turn of the demo model asking for 40 new tokens may need 128 cache rows
    // (checked before it runs: 128 x 3 layers x 1 KV group x 64 x (k + v) x 4 bytes x 2 cards =
    // 393216 bytes) and keeps 64 rows (196608 bytes) once its short answer is in. The budget holds
    // one such turn running next to nothing more than ~56 KiB.
    private static final long ONE_TURN = 196_608;
    private static final long BUDGET = 450_000;

    private static ChatSession session(TestAdapter t, String id) {
        try {
            return t.ra.runtime().sessions().get(id, null);
        } catch (ResourceException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void idleSessionsAreEvictedOldestFirstAndRecomputedLater() throws Exception {
        try (TestAdapter t = TestAdapter.start(ra -> ra.setKvCacheBudgetBytes(BUDGET))) {
            Glm4vManagedConnection mc = t.managedConnection();
            try (InferenceConnection c = TestAdapter.handle(mc)) {
                String a = c.openSession("uma");
                String b = c.openSession("uma");
                String answerA = c.chat(TestAdapter.ask("uma", "What is in the picture?", TestAdapter.RED, a, 40)).text();
                assertEquals(ONE_TURN, session(t, a).kvBytes());
                assertEquals("A blue square.", c.chat(TestAdapter.ask("uma", "What is in the picture?", TestAdapter.BLUE,
                        b, 40)).text());
                assertEquals(0, session(t, a).kvBytes(), "the older idle session gave its KV cache up");
                assertEquals(ONE_TURN, session(t, b).kvBytes());
                assertEquals(2, c.sessionHistory(a).size(), "its history stays");

                // a's next turn recomputes its cache (evicting b now) and answers as a full conversation would
                String next = c.chat(TestAdapter.ask("uma", "What colour is it?", null, a, 24)).text();
                var h = c.sessionHistory(a);
                assertEquals(answerA, h.get(1).content());
                String stateless = c.chat(new ChatRequest("uma", h.subList(0, 3), TestAdapter.image(TestAdapter.RED), 24,
                        null, null, null, null, null, null)).text();
                assertEquals(stateless, next);
                assertEquals(0, session(t, b).kvBytes());

                // one turn larger than the whole budget is refused, and the session is unharmed
                InferenceException big = TestAdapter.fails(Code.TOO_LARGE,
                        () -> c.chat(TestAdapter.ask("uma", "Describe it.", null, b, 400)));
                assertTrue(big.getMessage().contains("kvCacheBudgetBytes=" + BUDGET), big.getMessage());
                assertEquals(2, c.sessionHistory(b).size());

                // a cache held by an open transaction is not taken: the other session must wait
                mc.getLocalTransaction().begin();
                c.chat(TestAdapter.ask("uma", "What shape is it?", null, b, 24));
                Glm4vManagedConnection other = t.managedConnection();
                try (InferenceConnection c2 = TestAdapter.handle(other)) {
                    InferenceException held = TestAdapter.fails(Code.OVERLOADED,
                            () -> c2.chat(TestAdapter.ask("uma", "What shape is it?", null, a, 24)));
                    assertEquals(1, held.retryAfterSeconds());
                    mc.getLocalTransaction().commit();
                    c2.chat(TestAdapter.ask("uma", "What shape is it?", null, a, 24));
                    assertEquals(6, c2.sessionHistory(a).size());
                    assertEquals(4, c2.sessionHistory(b).size());
                } finally {
                    other.destroy();
                }
            } finally {
                mc.destroy();
            }
        }
    }
}
