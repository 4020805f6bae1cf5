package io.glm4vee.it;

import io.glm4vee.ejb.InferenceServiceLocal;
import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.InferenceConnection;
import io.glm4vee.ra.api.InferenceConnectionFactory;
import io.glm4vee.ra.api.InferenceException;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pooling, on the test server's pool (integration-tests/src/test/liberty/glm4v-it/server.xml): one device
 * context, at most 2 connections, a caller waits at most 3 s for one.
 */
@ExtendWith(ArquillianExtension.class)
public class PoolingIT {

    private static final long POOL_WAIT_MILLIS = 3_000;

    @Deployment
    public static EnterpriseArchive deployment() {
        return Deployments.applicationWithProbe(PoolingIT.class, Examples.class);
    }

    @Resource(lookup = "eis/glm4v")
    InferenceConnectionFactory factory;

    @EJB
    InferenceServiceLocal service;

    @Test
    void moreCallersThanContextsWaitThenAllSucceed() throws Exception {
        assertEquals(1, service.contexts().size(), "this test wants a single context");
        int callers = 6;
        List<Future<ChatResponse>> answers = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            String image = Examples.NAMES.get(i % Examples.NAMES.size());
            answers.add(service.chatAsync(new ChatRequest(null,
                    List.of(new ChatMessage("user", "What shape is it?", true)), Examples.image(image), null, null,
                    null, null, null, null, null)));
        }
        List<String> texts = new ArrayList<>();
        for (Future<ChatResponse> f : answers) {
            texts.add(f.get(120, TimeUnit.SECONDS).text().strip());
        }
        assertEquals(List.of("A circle.", "A square.", "A triangle.", "A circle.", "A square.", "A triangle."), texts);
    }

    @Test
    void exhaustedPoolGivesBoundedWaitAndClearError() {
        try (InferenceConnection a = factory.getConnection(); InferenceConnection b = factory.getConnection()) {
            long start = System.nanoTime();
            InferenceException e = assertThrows(InferenceException.class, factory::getConnection);
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;

            assertEquals(InferenceException.Code.UNAVAILABLE, e.code(), e.toString());
            assertTrue(waitedMillis >= POOL_WAIT_MILLIS - 500, "waited the pool's bound first: " + waitedMillis + " ms");
            assertTrue(waitedMillis < POOL_WAIT_MILLIS + 10_000, "but not much longer: " + waitedMillis + " ms");
            assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "the error says why");
            System.out.println("pool exhausted after " + waitedMillis + " ms: " + e.getMessage());

            // the held connections still work
            assertEquals(Examples.GREETING, a.chat(ChatRequest.of("it-pool", "Hello")).text().strip());
        }
        // and once they are back, so does everyone else
        try (InferenceConnection c = factory.getConnection()) {
            assertEquals(Examples.GREETING, c.chat(ChatRequest.of("it-pool", "Hello")).text().strip());
        }
    }

    @Test
    void callerWaitingForTheFullPoolGetsTheNextFreeConnection() throws Exception {
        Future<ChatResponse> waiting;
        try (InferenceConnection a = factory.getConnection(); InferenceConnection b = factory.getConnection()) {
            waiting = service.chatAsync(ChatRequest.of(null, "Hello"));
            Thread.sleep(POOL_WAIT_MILLIS / 3);
            assertFalse(waiting.isDone(), "the pool is full: the caller waits");
        }
        assertEquals(Examples.GREETING, waiting.get(60, TimeUnit.SECONDS).text().strip());
    }
}
