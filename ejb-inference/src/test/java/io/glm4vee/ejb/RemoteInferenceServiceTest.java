package io.glm4vee.ejb;

import io.glm4vee.ejb.remote.RemoteChatRequest;
import io.glm4vee.ejb.remote.RemoteChatResponse;
import io.glm4vee.ejb.remote.RemoteContext;
import io.glm4vee.ejb.remote.RemoteJobStatus;
import io.glm4vee.ejb.remote.RemoteMessage;
import io.glm4vee.ejb.remote.RemoteUsage;
import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.ContextInfo;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;
import io.glm4vee.ra.api.JobStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The remote bean over a real InferenceService (with the fake adapter). */
class RemoteInferenceServiceTest {

    private final FakeConnectionFactory factory = new FakeConnectionFactory();
    private final RemoteInferenceService remote = new RemoteInferenceService();

    @BeforeEach
    void wire() {
        InferenceService local = new InferenceService();
        local.factory = factory;
        remote.local = local; // no SessionContext: the caller is anonymous
    }

    @Test
    void chatConvertsBothWays() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G'};
        RemoteChatResponse answer = remote.chat(new RemoteChatRequest(List.of(new RemoteMessage("user", "What?", true)),
                png, 8, 0.0, null, null, 1L, List.of("\n"), "s-1"));
        assertEquals("A red circle.", answer.text());
        assertEquals("stop", answer.finishReason());
        assertEquals(12, answer.promptTokens());
        assertEquals("s-1", answer.session());
        ChatRequest sent = factory.requests.getFirst();
        assertEquals("anonymous", sent.caller());
        assertEquals(List.of(new ChatMessage("user", "What?", true)), sent.messages());
        assertArrayEquals(png, sent.image());
        assertEquals(List.of("\n"), sent.stop());
        assertEquals("A red circle.", remote.chatAsync(RemoteChatRequest.ask("hi", null, null)).get().text());
    }

    @Test
    void everyOperationConverts() {
        assertEquals("s-1", remote.openSession());
        assertEquals("assistant", remote.history("s-1").get(1).role());
        assertEquals("PENDING", remote.submit(RemoteChatRequest.ask("later", null, 4)).state());
        assertEquals("RUNNING", remote.job("j-1").state());
        assertEquals("anonymous", remote.usage().caller());
        assertEquals("cpu:0", remote.devices().getFirst().id());
        assertEquals("READY", remote.contexts().getFirst().state());
        remote.drain("ctx-0");
        remote.rebuild("ctx-0");
        remote.closeSession("s-1");
        assertEquals(List.of("open:anonymous", "history:s-1", "submit", "job:j-1", "usage:anonymous", "devices",
                "contexts", "drain:ctx-0", "rebuild:ctx-0", "close:s-1"), factory.calls);
    }

    @Test
    void failuresKeepCodeAndMessageButNotTheCause() {
        factory.failure = () -> new InferenceException(Code.TIMEOUT, "no token for 300 s", null,
                new IllegalStateException("engine internals"));
        InferenceException e = assertThrows(InferenceException.class, () -> remote.chat(RemoteChatRequest.ask("hi", null, null)));
        assertEquals(Code.TIMEOUT, e.code());
        assertEquals("no token for 300 s", e.getMessage());
        assertNull(e.getCause());

        InferenceException plain = new InferenceException(Code.NOT_FOUND, "no job j-1");
        factory.failure = () -> plain;
        assertSame(plain, assertThrows(InferenceException.class, () -> remote.job("j-1")));
        assertEquals(Code.BAD_REQUEST, assertThrows(InferenceException.class, () -> remote.chat(null)).code());
    }

    @Test
    void transferTypesSurviveSerialisationAndMapBackToTheRecords() throws Exception {
        ChatResponse response = new ChatResponse("Blue.", "length", 3, 1, "s", "ctx-1");
        assertEquals(response, roundTrip(RemoteChatResponse.of(response)).toResponse());
        JobStatus job = new JobStatus("j", "DONE", response, null);
        assertEquals(job, roundTrip(RemoteJobStatus.of(job)).toStatus());
        ContextInfo context = new ContextInfo("ctx-0", List.of("cpu:0", "cpu:1"), "READY", 1, 2, 3, 4, null);
        assertEquals(context, roundTrip(RemoteContext.of(context)).toInfo());
        assertEquals(new io.glm4vee.ra.api.UsageReport("bob", 10, 5, 1),
                roundTrip(RemoteUsage.of(new io.glm4vee.ra.api.UsageReport("bob", 10, 5, 1))).toReport());
        ChatRequest request = new ChatRequest("ignored", List.of(new ChatMessage("user", "hi", true)), new byte[]{1, 2},
                5, 0.5, 0.9, 40, 7L, List.of("x"), "s");
        ChatRequest back = roundTrip(RemoteChatRequest.of(request)).toRequest("alice");
        assertEquals("alice", back.caller());
        assertEquals(request.messages(), back.messages());
        assertArrayEquals(request.image(), back.image());
        assertEquals(List.of(5, 0.5, 0.9, 40, 7L, List.of("x"), "s"), List.of(back.maxTokens(), back.temperature(),
                back.topP(), back.topK(), back.seed(), back.stop(), back.session()));
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
