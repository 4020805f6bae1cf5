package io.glm4vee.web.openai;

import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;
import io.glm4vee.ra.api.TokenStream;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SSE framing of streamed completions, failures before and after the first byte, and cancellation on disconnect. */
class CompletionStreamTest {

    static CompletionRequest request(boolean includeUsage) {
        return new CompletionRequest("glm4v-shapes-demo", List.of(new ChatMessage("user", "What is it?")), null, 16,
                null, null, null, List.of(), true, includeUsage);
    }

    /** Does what the adapter's StreamGuard does: stops at the first token whose TokenStream throws, then rethrows. */
    static final class FakeGeneration implements CompletionStream.Generation {
        final List<String> pieces;
        final String finishReason;
        final AtomicInteger offered = new AtomicInteger();

        FakeGeneration(List<String> pieces, String finishReason) {
            this.pieces = pieces;
            this.finishReason = finishReason;
        }

        @Override
        public ChatResponse chat(io.glm4vee.ra.api.ChatRequest request, TokenStream stream) {
            RuntimeException failure = null;
            for (String p : pieces) {
                offered.incrementAndGet();
                try {
                    stream.onText(p);
                } catch (RuntimeException e) {
                    failure = e;
                    break; // cancelled between tokens
                }
            }
            if (failure != null) {
                throw failure;
            }
            return new ChatResponse(String.join("", pieces), finishReason, 14, pieces.size(), null, "ctx-0");
        }
    }

    static List<String> events(String body) {
        assertTrue(body.endsWith("\n\n"), "every event ends with a blank line");
        List<String> out = new ArrayList<>();
        for (String e : body.split("\n\n")) {
            assertTrue(e.startsWith("data: "), e);
            assertFalse(e.substring(6).contains("\n"), "one line per event");
            out.add(e.substring(6));
        }
        return out;
    }

    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s)).readObject();
    }

    @Test
    void roleThenContentThenFinishThenDone() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new CompletionStream(new FakeGeneration(List.of("A red", " circle", "."), "stop"), request(false),
                "chatcmpl-1", 1700000000L).write(out);
        List<String> events = events(out.toString(StandardCharsets.UTF_8));
        assertEquals(6, events.size(), events.toString());
        assertEquals("[DONE]", events.getLast());
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            JsonObject chunk = json(events.get(i));
            assertEquals("chatcmpl-1", chunk.getString("id"));
            assertEquals("chat.completion.chunk", chunk.getString("object"));
            assertEquals(1700000000L, chunk.getJsonNumber("created").longValue());
            assertEquals("glm4v-shapes-demo", chunk.getString("model"));
            assertFalse(chunk.containsKey("usage"), "no usage field without include_usage");
            JsonObject choice = chunk.getJsonArray("choices").getJsonObject(0);
            assertEquals(0, choice.getInt("index"));
            JsonObject delta = choice.getJsonObject("delta");
            if (i == 0) {
                assertEquals("assistant", delta.getString("role"), "the role comes first");
            } else if (i < 4) {
                assertFalse(delta.containsKey("role"));
                text.append(delta.getString("content"));
            } else {
                assertTrue(delta.isEmpty());
            }
            if (i < 4) {
                assertTrue(choice.isNull("finish_reason"), "finish_reason is there, as null: " + choice);
            } else {
                assertEquals("stop", choice.getString("finish_reason"));
            }
        }
        assertEquals("A red circle.", text.toString());
    }

    @Test
    void usageComesInItsOwnChunkBeforeDone() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new CompletionStream(new FakeGeneration(List.of("Hi", "!"), "length"), request(true), "chatcmpl-2", 1L)
                .write(out);
        List<String> events = events(out.toString(StandardCharsets.UTF_8));
        assertEquals(6, events.size(), events.toString());
        for (int i = 0; i < 4; i++) {
            assertTrue(json(events.get(i)).isNull("usage"), "usage: null until the usage chunk");
        }
        assertEquals("length", json(events.get(3)).getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
        JsonObject usage = json(events.get(4));
        assertTrue(usage.getJsonArray("choices").isEmpty());
        assertEquals(14, usage.getJsonObject("usage").getInt("prompt_tokens"));
        assertEquals(2, usage.getJsonObject("usage").getInt("completion_tokens"));
        assertEquals(16, usage.getJsonObject("usage").getInt("total_tokens"));
        assertEquals("[DONE]", events.get(5));
    }

    @Test
    void anEmptyAnswerStillHasTheRoleAndTheFinish() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new CompletionStream(new FakeGeneration(List.of(), "stop"), request(false), "chatcmpl-3", 1L).write(out);
        List<String> events = events(out.toString(StandardCharsets.UTF_8));
        assertEquals(3, events.size(), events.toString());
        assertEquals("assistant", json(events.get(0)).getJsonArray("choices").getJsonObject(0)
                .getJsonObject("delta").getString("role"));
    }

    @Test
    void aFailureBeforeTheFirstByteIsThrownForAnHttpStatus() {
        InferenceException full = new InferenceException(Code.OVERLOADED, "every queue is full", 2, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompletionStream s = new CompletionStream((r, t) -> {
            throw full;
        }, request(false), "chatcmpl-4", 1L);
        assertSame(full, assertThrows(InferenceException.class, () -> s.write(out)));
        assertEquals(0, out.size(), "nothing sent, so the mapper can still answer 503");
    }

    @Test
    void aFailureAfterTheFirstByteIsTheLastEvent() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new CompletionStream((r, t) -> {
            t.onText("A red");
            throw new InferenceException(Code.TIMEOUT, "the request passed requestTimeoutSeconds=1");
        }, request(true), "chatcmpl-5", 1L).write(out);
        List<String> events = events(out.toString(StandardCharsets.UTF_8));
        assertEquals(3, events.size(), events.toString());
        JsonObject error = json(events.get(2)).getJsonObject("error");
        assertEquals("server_error", error.getString("type"));
        assertEquals("timeout", error.getString("code"));
        assertFalse(events.contains("[DONE]"), "no [DONE] after an error");
    }

    /** A client that goes away: the next write fails, the TokenStream throws, generation stops, nothing escapes. */
    @Test
    void aClosedConnectionStopsGeneration() {
        List<String> thousand = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            thousand.add("x");
        }
        FakeGeneration generation = new FakeGeneration(thousand, "length");
        FailingAfter out = new FailingAfter(3);
        new CompletionStream(generation, request(false), "chatcmpl-6", 1L).write(out);
        assertEquals(2, generation.offered.get(), "role + first piece written, the second piece's write failed");
        assertEquals(3, out.writes);
    }

    @Test
    void aClosedConnectionAfterTheAnswerEndsQuietly() {
        FakeGeneration generation = new FakeGeneration(List.of("A"), "stop");
        FailingAfter out = new FailingAfter(3); // role, content, then the finish chunk fails
        new CompletionStream(generation, request(false), "chatcmpl-7", 1L).write(out);
        assertEquals(1, generation.offered.get());
    }

    @Test
    void disconnectsAreRecognisedThroughWrappers() {
        ClientDisconnectedException gone = new ClientDisconnectedException(new IOException("Broken pipe"));
        assertTrue(CompletionStream.isDisconnect(gone));
        assertTrue(CompletionStream.isDisconnect(new RuntimeException(gone)));
        assertFalse(CompletionStream.isDisconnect(new InferenceException(Code.BAD_REQUEST, "x")));
        assertEquals(Code.BAD_REQUEST, gone.code());
    }

    /** Accepts n - 1 writes (each event is one write and a flush), then fails like a reset connection. */
    static final class FailingAfter extends OutputStream {
        final int failAt;
        int writes;

        FailingAfter(int failAt) {
            this.failAt = failAt;
        }

        @Override
        public void write(int b) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writes++;
            if (writes >= failAt) {
                throw new IOException("Connection reset by peer");
            }
        }
    }
}
