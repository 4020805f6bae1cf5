package io.glm4vee.ra.spi;

import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.InferenceConnection;
import io.glm4vee.ra.api.InferenceException.Code;
import io.glm4vee.ra.api.JobStatus;
import io.glm4vee.ra.api.UsageReport;
import io.glm4vee.ra.context.ChatSession;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.LocalTransaction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three transactional rules (session turns, token usage, deferred jobs) through the local
 * transaction and through XA (one- and two-phase), as a server's transaction manager drives them.
 */
class TransactionTest {
    private static final long QUOTA = 300;
    private static TestAdapter t;

    @BeforeAll
    static void start() {
        t = TestAdapter.start(ra -> ra.setQuotaTokensPerCaller(QUOTA));
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    private static ChatSession session(String id) {
        try {
            return t.ra.runtime().sessions().get(id, null);
        } catch (ResourceException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- sessions

    @Test
    void sessionTurnsJoinTheHistoryOnCommitAndVanishWithTheirKvOnRollback() throws ResourceException {
        Glm4vManagedConnection mc = t.managedConnection();
        LocalTransaction tx = mc.getLocalTransaction();
        try (InferenceConnection c = TestAdapter.handle(mc)) {
            String s = c.openSession("dave");
            tx.begin();
            ChatResponse r1 = c.chat(TestAdapter.ask("dave", "What is in the picture?", TestAdapter.RED, s, 24));
            assertEquals("A red circle.", r1.text());
            assertEquals(s, r1.session());
            assertEquals(List.of(), c.sessionHistory(s), "pending until commit");
            tx.commit();
            List<ChatMessage> afterTurn1 = c.sessionHistory(s);
            assertEquals(List.of(new ChatMessage("user", "What is in the picture?", true),
                    new ChatMessage("assistant", "A red circle.")), afterTurn1);
            int[] kvAfterTurn1 = session(s).cachedIds();
            long kvBytesAfterTurn1 = session(s).kvBytes();
            assertTrue(kvAfterTurn1.length > 10, "the session keeps its KV cache");

            tx.begin();
            ChatResponse r2 = c.chat(TestAdapter.ask("dave", "What colour is it?", null, s, 24));
            assertTrue(session(s).cachedIds().length > kvAfterTurn1.length);
            tx.rollback();
            assertEquals(afterTurn1, c.sessionHistory(s), "the rolled-back turn vanished");
            assertArrayEquals(kvAfterTurn1, session(s).cachedIds(), "the KV cache holds what it held before");
            assertEquals(kvBytesAfterTurn1, session(s).kvBytes());

            // the same turn again, outside a transaction: same answer, committed at once
            ChatResponse again = c.chat(TestAdapter.ask("dave", "What colour is it?", null, s, 24));
            assertEquals(r2.text(), again.text());
            assertEquals(4, c.sessionHistory(s).size());
            // and it equals what a conversation without the session (full history sent) answers
            ChatResponse stateless = c.chat(new io.glm4vee.ra.api.ChatRequest("dave", List.of(
                    new ChatMessage("user", "What is in the picture?", true), new ChatMessage("assistant", "A red circle."),
                    new ChatMessage("user", "What colour is it?")), TestAdapter.image(TestAdapter.RED), 24, null, null,
                    null, null, null, null));
            assertEquals(stateless.text(), again.text());
            c.closeSession(s);
            TestAdapter.fails(Code.NOT_FOUND, () -> c.sessionHistory(s));
        } finally {
            mc.destroy();
        }
    }

    @Test
    void aSessionCreatedInARolledBackTransactionReleasesItsKvCache() throws ResourceException {
        Glm4vManagedConnection mc = t.managedConnection();
        try (InferenceConnection c = TestAdapter.handle(mc)) {
            String s = c.openSession("erin");
            mc.getLocalTransaction().begin();
            c.chat(TestAdapter.ask("erin", "What is in the picture?", TestAdapter.BLUE, s, 24));
            assertTrue(session(s).kvBytes() > 0);
            mc.getLocalTransaction().rollback();
            assertEquals(0, session(s).kvBytes(), "KV released");
            assertEquals(List.of(), c.sessionHistory(s));
            // the image of the rolled-back turn is gone too: another picture is accepted
            assertEquals("A red circle.", c.chat(TestAdapter.ask("erin", "What is in the picture?", TestAdapter.RED, s,
                    24)).text());
        } finally {
            mc.destroy();
        }
    }

    // ---------------------------------------------------------------- usage

    @Test
    void usageIsReservedInTheTransactionBookedOnCommitReleasedOnRollback() throws ResourceException {
        Glm4vManagedConnection mc = t.managedConnection();
        LocalTransaction tx = mc.getLocalTransaction();
        try (InferenceConnection c = TestAdapter.handle(mc)) {
            assertEquals(new UsageReport("carol", QUOTA, 0, 0), c.usage("carol"));
            // prompt + max tokens cannot fit the quota: refused before anything runs
            TestAdapter.fails(Code.QUOTA_EXCEEDED, () -> c.chat(TestAdapter.ask("carol", "Hello", null, null, (int) QUOTA)));
            assertEquals(new UsageReport("carol", QUOTA, 0, 0), c.usage("carol"));

            tx.begin();
            ChatResponse r = c.chat(TestAdapter.ask("carol", "Hello", null, null, 100));
            long used = r.promptTokens() + r.completionTokens();
            assertEquals(new UsageReport("carol", QUOTA, 0, used), c.usage("carol"), "reserved = used, until commit");
            // what the open transaction holds counts against the quota
            TestAdapter.fails(Code.QUOTA_EXCEEDED, () -> c.chat(TestAdapter.ask("carol", "Hello", null, null,
                    (int) (QUOTA - used - 5))));
            tx.rollback();
            assertEquals(new UsageReport("carol", QUOTA, 0, 0), c.usage("carol"), "released on rollback");

            tx.begin();
            c.chat(TestAdapter.ask("carol", "Hello", null, null, 100));
            tx.commit();
            assertEquals(new UsageReport("carol", QUOTA, used, 0), c.usage("carol"), "booked on commit");

            c.chat(TestAdapter.ask("carol", "Hello", null, null, 100));   // outside a transaction: commits by itself
            assertEquals(new UsageReport("carol", QUOTA, 2 * used, 0), c.usage("carol"));
            assertEquals(new UsageReport("anonymous", QUOTA, 0, 0), c.usage(null));
        } finally {
            mc.destroy();
        }
    }

    // ---------------------------------------------------------------- deferred jobs

    @Test
    void aJobSubmittedInATransactionStartsOnlyAfterCommitAndRollbackCancelsIt() throws Exception {
        Glm4vManagedConnection mc = t.managedConnection();
        LocalTransaction tx = mc.getLocalTransaction();
        try (InferenceConnection c = TestAdapter.handle(mc)) {
            tx.begin();
            JobStatus j = c.submit(TestAdapter.ask("frank", "What is in the picture?", TestAdapter.BLUE, null, 24));
            assertEquals("PENDING", j.state());
            TestAdapter.sleep(300);
            assertEquals("PENDING", c.job(j.id()).state(), "does not start before commit");
            assertEquals(0, c.usage("frank").reserved() + c.usage("frank").booked());
            tx.commit();
            JobStatus done = awaitFinished(c, j.id());
            assertEquals("DONE", done.state(), done.toString());
            assertEquals("A blue square.", done.result().text());
            assertTrue(c.usage("frank").booked() > 0, "the job books its own usage");

            tx.begin();
            JobStatus k = c.submit(TestAdapter.ask("frank", "Hello", null, null, 8));
            tx.rollback();
            JobStatus cancelled = c.job(k.id());
            assertEquals("CANCELLED", cancelled.state());
            assertTrue(cancelled.error().contains("rolled back"), cancelled.error());
            assertNull(cancelled.result());

            JobStatus now = c.submit(TestAdapter.ask("frank", "Hello", null, null, 24));   // no transaction: runs at once
            assertEquals("DONE", awaitFinished(c, now.id()).state());
            TestAdapter.fails(Code.NOT_FOUND, () -> c.job("job-unknown"));
            TestAdapter.fails(Code.BAD_REQUEST, () -> c.submit(TestAdapter.ask("frank", "", null, null, 8)));
        } finally {
            mc.destroy();
        }
    }

    static JobStatus awaitFinished(InferenceConnection c, String id) {
        for (int i = 0; i < 500; i++) {
            JobStatus s = c.job(id);
            if (!s.state().equals("PENDING") && !s.state().equals("RUNNING")) {
                return s;
            }
            TestAdapter.sleep(20);
        }
        throw new AssertionError("job " + id + " did not finish: " + c.job(id));
    }

    // ---------------------------------------------------------------- XA

    private static final AtomicInteger XIDS = new AtomicInteger();

    private record TestXid(int getFormatId, byte[] getGlobalTransactionId, byte[] getBranchQualifier) implements Xid {
        static TestXid next() {
            int n = XIDS.incrementAndGet();
            return new TestXid(4711, ("gtrid-" + n).getBytes(), new byte[] {1});
        }

        TestXid copy() {   // an equal Xid that is another object, as a transaction manager may pass
            return new TestXid(getFormatId, getGlobalTransactionId.clone(), getBranchQualifier.clone());
        }
    }

    @Test
    void xaTwoPhaseCommitAppliesAllThreeEffects() throws Exception {
        Glm4vManagedConnection mc = t.managedConnection();
        XAResource xa = mc.getXAResource();
        try (InferenceConnection c = TestAdapter.handle(mc)) {
            String s = c.openSession("gina");
            TestXid xid = TestXid.next();
            xa.start(xid, XAResource.TMNOFLAGS);
            ChatResponse r = c.chat(TestAdapter.ask("gina", "What is in the picture?", TestAdapter.RED, s, 24));
            JobStatus j = c.submit(TestAdapter.ask("gina", "Hello", null, null, 8));
            xa.end(xid, XAResource.TMSUCCESS);
            assertEquals(List.of(), c.sessionHistory(s));
            assertEquals(r.promptTokens() + r.completionTokens(), c.usage("gina").reserved());
            assertEquals(XAResource.XA_OK, xa.prepare(xid.copy()));
            TestAdapter.sleep(100);
            assertEquals("PENDING", c.job(j.id()).state(), "prepared is not committed");
            xa.commit(xid.copy(), false);
            assertEquals(2, c.sessionHistory(s).size());
            assertEquals(r.promptTokens() + r.completionTokens(), c.usage("gina").booked());
            assertEquals("DONE", awaitFinished(c, j.id()).state());
        } finally {
            mc.destroy();
        }
    }

    @Test
    void xaOnePhaseCommitAndRollback() throws Exception {
        Glm4vManagedConnection mc = t.managedConnection();
        XAResource xa = mc.getXAResource();
        try (InferenceConnection c = TestAdapter.handle(mc)) {
            String s = c.openSession("hank");
            TestXid one = TestXid.next();
            xa.start(one, XAResource.TMNOFLAGS);
            c.chat(TestAdapter.ask("hank", "What is in the picture?", TestAdapter.BLUE, s, 24));
            xa.end(one, XAResource.TMSUCCESS);
            xa.commit(one, true);
            assertEquals(2, c.sessionHistory(s).size());
            long booked = c.usage("hank").booked();
            int[] kv = session(s).cachedIds();

            TestXid two = TestXid.next();
            xa.start(two, XAResource.TMNOFLAGS);
            c.chat(TestAdapter.ask("hank", "What shape is it?", null, s, 24));
            JobStatus j = c.submit(TestAdapter.ask("hank", "Hello", null, null, 8));
            xa.end(two, XAResource.TMSUCCESS);
            assertEquals(XAResource.XA_OK, xa.prepare(two));
            xa.rollback(two);
            assertEquals(2, c.sessionHistory(s).size());
            assertArrayEquals(kv, session(s).cachedIds());
            assertEquals(new UsageReport("hank", QUOTA, booked, 0), c.usage("hank"));
            assertEquals("CANCELLED", c.job(j.id()).state());
            XAException gone = assertThrows(XAException.class, () -> xa.commit(two, false));
            assertEquals(XAException.XAER_NOTA, gone.errorCode);
        } finally {
            mc.destroy();
        }
    }

    @Test
    void xaProtocolCornersReadOnlyFailJoinAndDuplicates() throws Exception {
        Glm4vManagedConnection mc = t.managedConnection();
        Glm4vManagedConnection other = t.managedConnection();
        XAResource xa = mc.getXAResource();
        try (InferenceConnection c = TestAdapter.handle(mc); InferenceConnection c2 = TestAdapter.handle(other)) {
            // a branch that did nothing votes read-only and is finished by prepare
            TestXid idle = TestXid.next();
            xa.start(idle, XAResource.TMNOFLAGS);
            c.contexts();
            xa.end(idle, XAResource.TMSUCCESS);
            assertEquals(XAResource.XA_RDONLY, xa.prepare(idle));

            // TMFAIL marks the branch rollback-only: prepare rolls it back
            TestXid failed = TestXid.next();
            xa.start(failed, XAResource.TMNOFLAGS);
            c.chat(TestAdapter.ask("ivan", "Hello", null, null, 8));
            xa.end(failed, XAResource.TMFAIL);
            assertEquals(XAException.XA_RBROLLBACK, assertThrows(XAException.class, () -> xa.prepare(failed)).errorCode);
            assertEquals(0, c.usage("ivan").reserved() + c.usage("ivan").booked());

            // the same resource manager: a second connection joins the branch; both calls commit together
            assertTrue(xa.isSameRM(other.getXAResource()));
            TestXid joined = TestXid.next();
            xa.start(joined, XAResource.TMNOFLAGS);
            assertEquals(XAException.XAER_DUPID, assertThrows(XAException.class,
                    () -> other.getXAResource().start(joined.copy(), XAResource.TMNOFLAGS)).errorCode);
            other.getXAResource().start(joined.copy(), XAResource.TMJOIN);
            c.chat(TestAdapter.ask("judy", "Hello", null, null, 8));
            c2.chat(TestAdapter.ask("judy", "Hi", null, null, 8));
            xa.end(joined, XAResource.TMSUCCESS);
            other.getXAResource().end(joined, XAResource.TMSUCCESS);
            long reserved = c.usage("judy").reserved();
            assertTrue(reserved > 0);
            xa.commit(joined, true);
            assertEquals(new UsageReport("judy", QUOTA, reserved, 0), c.usage("judy"));

            // two-phase commit without prepare is a protocol error; unknown branches are NOTA
            TestXid unprepared = TestXid.next();
            xa.start(unprepared, XAResource.TMNOFLAGS);
            xa.end(unprepared, XAResource.TMSUCCESS);
            assertEquals(XAException.XAER_PROTO, assertThrows(XAException.class,
                    () -> xa.commit(unprepared, false)).errorCode);
            xa.rollback(unprepared);
            assertEquals(XAException.XAER_NOTA, assertThrows(XAException.class,
                    () -> xa.start(TestXid.next(), XAResource.TMJOIN)).errorCode);
            assertEquals(0, xa.recover(XAResource.TMSTARTRSCAN).length);

            // a local transaction and an XA branch do not mix on one connection
            mc.getLocalTransaction().begin();
            assertEquals(XAException.XAER_PROTO, assertThrows(XAException.class,
                    () -> xa.start(TestXid.next(), XAResource.TMNOFLAGS)).errorCode);
            assertThrows(jakarta.resource.spi.LocalTransactionException.class, () -> mc.getLocalTransaction().begin());
            mc.getLocalTransaction().rollback();
            assertThrows(jakarta.resource.spi.LocalTransactionException.class, () -> mc.getLocalTransaction().commit());
        } finally {
            mc.destroy();
            other.destroy();
        }
    }

    @Test
    void anotherTransactionWaitsForAHeldSessionBounded() throws Exception {
        Glm4vManagedConnection a = t.managedConnection();
        Glm4vManagedConnection b = t.managedConnection();
        try (InferenceConnection ca = TestAdapter.handle(a); InferenceConnection cb = TestAdapter.handle(b)) {
            String s = ca.openSession("kim");
            a.getLocalTransaction().begin();
            ca.chat(TestAdapter.ask("kim", "Hello", null, s, 8));
            Thread committer = new Thread(() -> {
                TestAdapter.sleep(300);
                try {
                    a.getLocalTransaction().commit();
                } catch (ResourceException e) {
                    throw new IllegalStateException(e);
                }
            });
            committer.start();
            long t0 = System.nanoTime();
            cb.chat(TestAdapter.ask("kim", "Hi", null, s, 8));      // waits for the first transaction, then runs
            assertTrue(System.nanoTime() - t0 > 200_000_000L, "waited for the commit");
            committer.join();
            assertEquals(4, cb.sessionHistory(s).size());
            assertNotEquals(List.of(), Arrays.asList(session(s).cachedIds()));
            // another caller cannot use (or probe) the session
            TestAdapter.fails(Code.NOT_FOUND, () -> cb.chat(TestAdapter.ask("mallory", "Hi", null, s, 8)));
        } finally {
            a.destroy();
            b.destroy();
        }
    }
}
