package io.glm4vee.ra.spi;

import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.ContextInfo;
import io.glm4vee.ra.api.InferenceConnection;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each kind of bad input gets its documented code and a message naming the problem, and never
 * harms the context: after every case the next request answers normally.
 */
class BadInputTest {
    private static TestAdapter t;
    private InferenceConnection c;

    @BeforeAll
    static void start() {
        t = TestAdapter.start(ra -> {
            ra.setMaxSequenceLength(64);
            ra.setMaxImageBytes(4096L);
            ra.setMaxImagePixels(50_000L);
        });
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @BeforeEach
    void open() {
        c = t.cf.getConnection();
    }

    /** The context still answers, and nobody was charged for the refused request. */
    @AfterEach
    void contextStillWorks() {
        assertEquals("A red circle.", c.chat(TestAdapter.ask("ok", "What is in the picture?", TestAdapter.RED, null,
                24)).text());
        ContextInfo ctx = c.contexts().get(0);
        assertEquals("READY", ctx.state());
        assertEquals(0, c.usage("bad").reserved() + c.usage("bad").booked());
        c.close();
    }

    private static ChatRequest req(List<ChatMessage> messages, byte[] image, Integer maxTokens, String session) {
        return new ChatRequest("bad", messages, image, maxTokens, null, null, null, null, null, session);
    }

    private InferenceException fails(Code code, ChatRequest r, String messagePart) {
        InferenceException e = TestAdapter.fails(code, () -> c.chat(r));
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        return e;
    }

    @Test
    void emptyMessagesAndEmptyContents() {
        fails(Code.BAD_REQUEST, req(List.of(), null, null, null), "messages is empty");
        fails(Code.BAD_REQUEST, req(List.of(new ChatMessage("user", "")), null, null, null), "every message is empty");
        fails(Code.BAD_REQUEST, null, "the request is missing");
        InferenceException e = TestAdapter.fails(Code.BAD_REQUEST,
                () -> req(Arrays.asList(new ChatMessage("user", "Hi"), null), null, null, null));
        assertTrue(e.getMessage().contains("messages[1] is null"), e.getMessage());
    }

    @Test
    void unknownRole() {
        fails(Code.BAD_REQUEST, req(List.of(new ChatMessage("wizard", "Hi")), null, null, null),
                "messages[0].role 'wizard' is not one of system, user, assistant, observation");
    }

    @Test
    void twoImagesOrAnImageWithoutItsMessage() {
        byte[] img = TestAdapter.image(TestAdapter.RED);
        fails(Code.BAD_REQUEST, req(List.of(new ChatMessage("user", "a", true), new ChatMessage("user", "b", true)), img,
                null, null), "one image per conversation");
        fails(Code.BAD_REQUEST, req(List.of(new ChatMessage("user", "a")), img, null, null),
                "no message has image=true");
        fails(Code.BAD_REQUEST, req(List.of(new ChatMessage("user", "a", true)), null, null, null),
                "carries no image bytes");
    }

    @Test
    void corruptImageBytes() {
        byte[] png = TestAdapter.image(TestAdapter.RED);
        byte[] truncated = Arrays.copyOf(png, png.length / 2);
        fails(Code.BAD_IMAGE, TestAdapter.askWith(truncated), "PNG");
        fails(Code.BAD_IMAGE, TestAdapter.askWith("not a picture".getBytes()), "not a PNG or JPEG image");
        byte[] garbage = png.clone();
        for (int i = 40; i < garbage.length; i++) {
            garbage[i] = (byte) (i * 31);
        }
        fails(Code.BAD_IMAGE, TestAdapter.askWith(garbage), "PNG");
    }

    @Test
    void imageTooLargeInBytesOrPixels() throws IOException {
        byte[] big = new byte[5000];
        System.arraycopy(TestAdapter.image(TestAdapter.RED), 0, big, 0, 100);
        fails(Code.TOO_LARGE, TestAdapter.askWith(big), "over the limit of 4096 bytes");
        BufferedImage wide = new BufferedImage(400, 200, BufferedImage.TYPE_INT_RGB);   // 80000 pixels, tiny PNG
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(wide, "png", out);
        fails(Code.TOO_LARGE, TestAdapter.askWith(out.toByteArray()), "over the limit of 50000 pixels");
    }

    @Test
    void promptTooLongForMaxSequenceLength() {
        String longText = "red circle blue square ".repeat(20);
        fails(Code.TOO_LARGE, req(List.of(new ChatMessage("user", longText)), null, null, null),
                "maxSequenceLength is 64");
        fails(Code.TOO_LARGE, req(List.of(new ChatMessage("user", "x".repeat(64 * 256 + 1))), null, null, null),
                "cannot fit maxSequenceLength=64");
    }

    @Test
    void badMaxTokensSamplingAndStop() {
        fails(Code.BAD_REQUEST, req(List.of(new ChatMessage("user", "Hi")), null, -1, null), "maxTokens=-1: must be >= 1");
        fails(Code.BAD_REQUEST, req(List.of(new ChatMessage("user", "Hi")), null, 0, null), "maxTokens=0");
        fails(Code.BAD_REQUEST, new ChatRequest("bad", List.of(new ChatMessage("user", "Hi")), null, null, -0.5, null,
                null, null, null, null), "temperature=-0.5");
        fails(Code.BAD_REQUEST, new ChatRequest("bad", List.of(new ChatMessage("user", "Hi")), null, null, null, 1.5,
                null, null, null, null), "top_p=1.5");
        fails(Code.BAD_REQUEST, new ChatRequest("bad", List.of(new ChatMessage("user", "Hi")), null, null, null, null,
                -2, null, null, null), "top_k=-2");
        fails(Code.BAD_REQUEST, new ChatRequest("bad", List.of(new ChatMessage("user", "Hi")), null, null, null, null,
                null, null, List.of(""), null), "stop[0] is empty");
    }

    @Test
    void unknownSessionAndASecondPictureInASession() {
        fails(Code.NOT_FOUND, req(List.of(new ChatMessage("user", "Hi")), null, null, "s-nope"), "unknown session 's-nope'");
        TestAdapter.fails(Code.NOT_FOUND, () -> c.sessionHistory("s-nope"));
        TestAdapter.fails(Code.NOT_FOUND, () -> c.closeSession("s-nope"));
        String s = c.openSession("sess");
        c.chat(TestAdapter.ask("sess", "What is in the picture?", TestAdapter.RED, s, 24));
        long booked = c.usage("sess").booked();
        InferenceException e = TestAdapter.fails(Code.BAD_REQUEST,
                () -> c.chat(TestAdapter.ask("sess", "And this?", TestAdapter.BLUE, s, 24)));
        assertTrue(e.getMessage().contains("already has an image"), e.getMessage());
        assertEquals(2, c.sessionHistory(s).size());
        assertEquals(booked, c.usage("sess").booked(), "a refused turn costs nothing");
        c.chat(TestAdapter.ask("sess", "Hello", null, s, 8));            // the session itself still works
        assertEquals(4, c.sessionHistory(s).size());
        c.closeSession(s);
        TestAdapter.fails(Code.NOT_FOUND, () -> c.sessionHistory(s));
    }

    @Test
    void aStreamThatThrowsEndsTheRequestWithItsOwnException() {
        IllegalStateException gone = new IllegalStateException("client went away");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> c.chat(TestAdapter.ask("bad", "What is in the picture?", TestAdapter.RED, null, 24), d -> {
                    throw gone;
                }));
        assertSame(gone, e);
    }

    @Test
    void aClosedHandleRefusesWork() {
        InferenceConnection other = t.cf.getConnection();
        other.close();
        other.close();                                 // idempotent
        TestAdapter.fails(Code.INTERNAL, () -> other.chat(TestAdapter.ask("bad", "Hi", null, null, 4)));
    }
}
