package io.glm4vee.it;

import io.glm4vee.ejb.InferenceServiceLocal;
import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.InferenceConnection;
import io.glm4vee.ra.api.InferenceConnectionFactory;
import io.glm4vee.ra.api.JobStatus;
import io.glm4vee.ra.api.UsageReport;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.transaction.Status;
import jakarta.transaction.UserTransaction;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The adapter's three transaction rules (ARCHITECTURE.md, section 3), each proven in both directions
 * through a real JTA transaction of the server (UserTransaction), in a probe module of the real EAR:
 * session turns kept on commit and gone on rollback, usage booked on commit and released on rollback,
 * a deferred job started only after commit and cancelled on rollback. The same rules through the EJB,
 * whose REQUIRED methods join the caller's transaction.
 */
@ExtendWith(ArquillianExtension.class)
public class TransactionRulesIT {

    @Deployment
    public static EnterpriseArchive deployment() {
        return Deployments.applicationWithProbe(TransactionRulesIT.class, Examples.class);
    }

    @Resource(name = Examples.FACTORY_REF)
    InferenceConnectionFactory factory;

    @Resource(lookup = "java:comp/UserTransaction")
    UserTransaction tx;

    @EJB(lookup = Examples.SERVICE)
    InferenceServiceLocal service;

    @AfterEach
    void noTransactionLeftOpen() throws Exception {
        if (tx.getStatus() != Status.STATUS_NO_TRANSACTION) {
            tx.rollback();
            fail("a test left its transaction open");
        }
    }

    // --- rule 1: conversation state ---

    @Test
    void sessionTurnCommittedIsKept() throws Exception {
        String caller = caller("session-commit");
        String session = with(c -> c.openSession(caller));

        tx.begin();
        ChatResponse answer = with(c -> c.chat(turn(caller, session, "Hello")));
        tx.commit();

        assertEquals(Examples.GREETING, answer.text().strip());
        List<ChatMessage> history = with(c -> c.sessionHistory(session));
        assertEquals(2, history.size(), "user turn + answer after commit: " + history);
        assertEquals("Hello", history.get(0).content());
        assertEquals("assistant", history.get(1).role());
        assertEquals(Examples.GREETING, history.get(1).content().strip());
        with(c -> {
            c.closeSession(session);
            return null;
        });
    }

    @Test
    void sessionTurnRolledBackVanishes() throws Exception {
        String caller = caller("session-rollback");
        String session = with(c -> c.openSession(caller));

        tx.begin();
        ChatResponse answer = with(c -> c.chat(turn(caller, session, "Hello")));
        tx.rollback();

        assertEquals(Examples.GREETING, answer.text().strip(), "the answer itself is given before the outcome");
        assertEquals(List.of(), with(c -> c.sessionHistory(session)), "no turn survives a rollback");

        // and the session still works: the next turn starts from the empty history
        ChatResponse again = with(c -> c.chat(turn(caller, session, "Hello")));
        assertEquals(Examples.GREETING, again.text().strip());
        assertEquals(2, with(c -> c.sessionHistory(session)).size());
    }

    // --- rule 2: usage ledger ---

    @Test
    void usageIsReservedInsideAndBookedOnCommit() throws Exception {
        String caller = caller("usage-commit");
        tx.begin();
        ChatResponse answer = with(c -> c.chat(ChatRequest.of(caller, "Hello")));
        UsageReport during = with(c -> c.usage(caller));
        tx.commit();
        UsageReport after = with(c -> c.usage(caller));

        long tokens = answer.promptTokens() + answer.completionTokens();
        assertTrue(tokens > 0, "the answer reports its tokens");
        assertEquals(0, during.booked(), "nothing booked before commit: " + during);
        assertTrue(during.reserved() >= tokens, "reserved inside the transaction: " + during);
        assertEquals(tokens, after.booked(), "booked on commit: " + after);
        assertEquals(0, after.reserved(), "no reservation left: " + after);
    }

    @Test
    void usageIsReleasedOnRollback() throws Exception {
        String caller = caller("usage-rollback");
        tx.begin();
        with(c -> c.chat(ChatRequest.of(caller, "Hello")));
        tx.rollback();
        UsageReport after = with(c -> c.usage(caller));

        assertEquals(0, after.booked(), "nothing booked: " + after);
        assertEquals(0, after.reserved(), "reservation released: " + after);
    }

    @Test
    void callOutsideTransactionCommitsByItself() {
        String caller = caller("usage-autocommit");
        ChatResponse answer = with(c -> c.chat(ChatRequest.of(caller, "Hello")));
        UsageReport after = with(c -> c.usage(caller));
        assertEquals(answer.promptTokens() + answer.completionTokens(), after.booked(), after.toString());
    }

    // --- rule 3: deferred jobs ---

    @Test
    void deferredJobStartsOnlyAfterCommit() throws Exception {
        String caller = caller("job-commit");
        tx.begin();
        JobStatus submitted = with(c -> c.submit(redCircle(caller)));
        Thread.sleep(1_000);
        JobStatus stillInside = with(c -> c.job(submitted.id()));
        tx.commit();

        assertEquals("PENDING", submitted.state());
        assertEquals("PENDING", stillInside.state(), "a job must not start before its transaction commits");
        JobStatus done = awaitJob(submitted.id(), "DONE");
        assertNotNull(done.result());
        assertEquals(Examples.RED_CIRCLE, done.result().text().strip());
    }

    @Test
    void deferredJobIsCancelledOnRollback() throws Exception {
        String caller = caller("job-rollback");
        tx.begin();
        JobStatus submitted = with(c -> c.submit(redCircle(caller)));
        tx.rollback();

        assertEquals("CANCELLED", awaitJob(submitted.id(), "CANCELLED").state());
        Thread.sleep(1_000);
        assertEquals("CANCELLED", with(c -> c.job(submitted.id())).state(), "a cancelled job never runs");
    }

    // --- the same rules through the EJB (REQUIRED joins the caller's transaction) ---

    @Test
    void ejbChatJoinsCallerTransactionCommit() throws Exception {
        String session = service.openSession();
        tx.begin();
        service.chat(turn(null, session, "Hello"));
        tx.commit();
        assertEquals(2, service.history(session).size());
        service.closeSession(session);
    }

    @Test
    void ejbChatJoinsCallerTransactionRollback() throws Exception {
        String session = service.openSession();
        long bookedBefore = service.usage().booked();
        tx.begin();
        service.chat(turn(null, session, "Hello"));
        tx.rollback();
        assertEquals(List.of(), service.history(session));
        assertEquals(bookedBefore, service.usage().booked(), "a rolled back EJB call books nothing");
        service.closeSession(session);
    }

    @Test
    void ejbSubmitInsideRolledBackTransactionIsCancelled() throws Exception {
        tx.begin();
        JobStatus submitted = service.submit(redCircle(null));
        tx.rollback();
        long deadline = System.nanoTime() + 30_000_000_000L;
        JobStatus s = service.job(submitted.id());
        while (!"CANCELLED".equals(s.state()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            s = service.job(submitted.id());
        }
        assertEquals("CANCELLED", s.state());
    }

    // --- helpers ---

    private <T> T with(Function<InferenceConnection, T> work) {
        try (InferenceConnection c = factory.getConnection()) {
            return work.apply(c);
        }
    }

    private JobStatus awaitJob(String id, String state) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        JobStatus s = with(c -> c.job(id));
        while (!state.equals(s.state()) && System.nanoTime() < deadline) {
            if (state.equals("DONE") && ("FAILED".equals(s.state()) || "CANCELLED".equals(s.state()))) {
                fail("job " + id + " ended " + s.state() + ": " + s.error());
            }
            Thread.sleep(100);
            s = with(c -> c.job(id));
        }
        assertEquals(state, s.state(), "job " + id + ": " + s);
        return s;
    }

    private static String caller(String test) {
        return "it-" + test + "-" + UUID.randomUUID();
    }

    private static ChatRequest turn(String caller, String session, String text) {
        return new ChatRequest(caller, List.of(new ChatMessage("user", text)), null, null, null, null, null, null,
                null, session);
    }

    private static ChatRequest redCircle(String caller) {
        return new ChatRequest(caller, List.of(new ChatMessage("user", "What is in the picture?", true)),
                Examples.image("red_circle.png"), null, null, null, null, null, null, null);
    }
}
