package io.glm4vee.web.openai;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes server-sent events ("data: ...\n\n") and flushes each one, so a client sees every
 * token as it is made. A failed write or flush means the client has gone: it is reported as
 * {@link ClientDisconnectedException}, which stops generation when thrown from a TokenStream.
 */
final class SseWriter {

    static final String DONE = "[DONE]";

    private final OutputStream out;
    private long events;
    private boolean started;

    SseWriter(OutputStream out) {
        this.out = out;
    }

    void data(String payload) {
        byte[] bytes = ("data: " + payload + "\n\n").getBytes(StandardCharsets.UTF_8);
        started = true;
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new ClientDisconnectedException(e);
        }
        events++;
    }

    /** Whether any byte was handed to the connection: before that, a failure can still be an HTTP error status. */
    boolean started() {
        return started;
    }

    long events() {
        return events;
    }
}
