package io.glm4vee.ejb;

import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;
import jakarta.ejb.SessionContext;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InferenceServiceTest {

    private final FakeConnectionFactory factory = new FakeConnectionFactory();
    private final InferenceService service = new InferenceService();
    private String principal = "alice";
    private int txStatus = Status.STATUS_NO_TRANSACTION;
    private boolean rollbackOnly;

    @BeforeEach
    void wire() {
        service.factory = factory;
        service.context = (SessionContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{SessionContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getCallerPrincipal" -> principal == null ? null : (Principal) () -> principal;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        service.transactions = (TransactionSynchronizationRegistry) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[]{TransactionSynchronizationRegistry.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getTransactionStatus" -> txStatus;
                    case "setRollbackOnly" -> {
                        rollbackOnly = true;
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        service.metrics = new InferenceMetrics(); // no registry: counts nothing
    }

    @Test
    void theAuthenticatedCallerReplacesWhateverCallerTheRequestNamed() {
        ChatRequest forged = new ChatRequest("mallory", List.of(new ChatMessage("user", "hi")), null, 8, 0.0, null,
                null, 1L, List.of("\n"), "s-9");
        ChatResponse answer = service.chat(forged);

        assertEquals("A red circle.", answer.text());
        ChatRequest sent = factory.requests.getFirst();
        assertEquals("alice", sent.caller());
        assertEquals(forged.messages(), sent.messages());
        assertEquals(8, sent.maxTokens());
        assertEquals(0.0, sent.temperature());
        assertEquals(1L, sent.seed());
        assertEquals(List.of("\n"), sent.stop());
        assertEquals("s-9", sent.session());
    }

    @Test
    void unauthenticatedCallersAreAnonymous() {
        assertEquals("anonymous", InferenceService.callerName(null));
        assertEquals("anonymous", InferenceService.callerName(() -> "UNAUTHENTICATED"));
        assertEquals("anonymous", InferenceService.callerName(() -> "ANONYMOUS"));
        assertEquals("anonymous", InferenceService.callerName(() -> " "));
        assertEquals("bob", InferenceService.callerName(() -> "bob"));

        principal = "UNAUTHENTICATED";
        service.openSession();
        service.usage();
        assertEquals(List.of("open:anonymous", "usage:anonymous"), factory.calls);
    }

    @Test
    void everyCallClosesItsConnectionAlsoWhenItFails() {
        service.chat(ChatRequest.of(null, "hi"));
        service.devices();
        service.contexts();
        service.history("s-1");
        service.closeSession("s-1");
        service.drain("ctx-0");
        service.rebuild("ctx-0");
        factory.failure = () -> new InferenceException(Code.OVERLOADED, "all queues full", 2, null);
        InferenceException e = assertThrows(InferenceException.class, () -> service.job("j-1"));
        assertEquals(Code.OVERLOADED, e.code());
        assertEquals(2, e.retryAfterSeconds());
        assertEquals(8, factory.opened);
        assertEquals(8, factory.closed);
        assertTrue(factory.calls.containsAll(List.of("history:s-1", "close:s-1", "drain:ctx-0", "rebuild:ctx-0")));
    }

    @Test
    void streamingHandsEveryPieceToTheStream() {
        List<String> pieces = new ArrayList<>();
        ChatResponse answer = service.chat(ChatRequest.of("x", "hi"), pieces::add);
        assertEquals(String.join("", pieces), answer.text());
        assertEquals("alice", factory.requests.getFirst().caller());
    }

    @Test
    void asyncChatAnswersThroughTheFuture() throws Exception {
        Future<ChatResponse> future = service.chatAsync(ChatRequest.of(null, "hi"));
        assertEquals("A red circle.", future.get().text());
    }

    @Test
    void submitIsChargedToTheCaller() {
        assertEquals("PENDING", service.submit(ChatRequest.of("mallory", "later")).state());
        assertEquals("alice", factory.requests.getFirst().caller());
    }

    @Test
    void applicationFailuresPassThroughAndLeaveTheTransactionToTheCaller() {
        txStatus = Status.STATUS_ACTIVE;
        InferenceException quota = new InferenceException(Code.QUOTA_EXCEEDED, "quota of 100 tokens used", 60, null);
        factory.failure = () -> quota;
        assertSame(quota, assertThrows(InferenceException.class, () -> service.chat(ChatRequest.of(null, "hi"))));
        assertTrue(!rollbackOnly, "a quota failure must not doom the caller's transaction");
    }

    @Test
    void unexpectedFailuresBecomeInternalAndRollBack() {
        txStatus = Status.STATUS_ACTIVE;
        IllegalStateException bug = new IllegalStateException("boom");
        factory.failure = () -> bug;
        InferenceException e = assertThrows(InferenceException.class, () -> service.chat(ChatRequest.of(null, "hi")));
        assertEquals(Code.INTERNAL, e.code());
        assertSame(bug, e.getCause());
        assertTrue(rollbackOnly);
        assertEquals(1, factory.closed);
    }

    @Test
    void deviceFailuresMarkOnlyAnActiveTransaction() {
        factory.failure = () -> new InferenceException(Code.DEVICE_FAILED, "card cpu:1 failed", 30, null);
        assertThrows(InferenceException.class, () -> service.chat(ChatRequest.of(null, "hi")));
        assertTrue(!rollbackOnly, "no transaction, nothing to mark");
        txStatus = Status.STATUS_ACTIVE;
        assertThrows(InferenceException.class, () -> service.chat(ChatRequest.of(null, "hi")));
        assertTrue(rollbackOnly);
    }

    @Test
    void missingFactoryOrRequestIsAStableCode() {
        assertEquals(Code.BAD_REQUEST, assertThrows(InferenceException.class, () -> service.chat(null)).code());
        assertEquals(Code.BAD_REQUEST, assertThrows(InferenceException.class, () -> service.job(" ")).code());
        service.factory = null;
        InferenceException e = assertThrows(InferenceException.class, service::devices);
        assertEquals(Code.UNAVAILABLE, e.code());
        assertTrue(e.getMessage().contains("eis/glm4v"));
    }
}
