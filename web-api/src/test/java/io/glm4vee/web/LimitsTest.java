package io.glm4vee.web;

import io.glm4vee.web.problem.BodyTooLargeException;
import io.glm4vee.web.request.LimitedInputStream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LimitsTest {

    @Test
    void aBodyUpToTheLimitPasses() throws Exception {
        byte[] data = new byte[100];
        assertArrayEquals(data, LimitedInputStream.readAll(new ByteArrayInputStream(data), 100));
        try (InputStream in = new LimitedInputStream(new ByteArrayInputStream(data), 100)) {
            assertEquals(100, in.readAllBytes().length);
        }
    }

    @Test
    void oneByteMoreIsRefusedAndTheRestIsDrained() {
        ByteArrayInputStream source = new ByteArrayInputStream(new byte[1000]);
        assertThrows(BodyTooLargeException.class, () -> LimitedInputStream.readAll(source, 100));
        assertEquals(0, source.available(), "drained, so the client can read the 413");

        ByteArrayInputStream chunked = new ByteArrayInputStream(new byte[1000]);
        assertThrows(BodyTooLargeException.class, () -> {
            try (InputStream in = new LimitedInputStream(chunked, 101)) {
                in.readAllBytes();
            }
        });
        assertEquals(0, chunked.available());
    }
}
