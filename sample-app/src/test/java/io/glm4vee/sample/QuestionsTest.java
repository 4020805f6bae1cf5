package io.glm4vee.sample;

import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.InferenceException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuestionsTest {

    @Test
    void aQuestionAboutABundledPicture() {
        ChatRequest r = Questions.request("What colour is the shape?", "red_circle", 16);
        assertEquals(List.of(new ChatMessage("user", "What colour is the shape?", true)), r.messages());
        assertEquals(16, r.maxTokens());
        assertNull(r.caller(), "the EJB names the caller");
        byte[] png = r.image();
        assertArrayEquals(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
    }

    @Test
    void everyBundledPictureIsThere() {
        for (String name : Questions.IMAGES) {
            assertTrue(Questions.example(name).length > 100, name);
        }
    }

    @Test
    void pictureWithoutQuestionAsksWhatIsInIt() {
        assertEquals("What is in the picture?", Questions.request(" ", "blue_square", null).messages().getFirst().content());
    }

    @Test
    void textOnly() {
        ChatRequest r = Questions.request("Who are you?", null, null);
        assertNull(r.image());
        assertEquals(new ChatMessage("user", "Who are you?", false), r.messages().getFirst());
    }

    @Test
    void refusesUnknownPicturesAndEmptyQuestions() {
        assertThrows(IllegalArgumentException.class, () -> Questions.request("?", "../../etc/passwd", null));
        assertThrows(IllegalArgumentException.class, () -> Questions.request(null, null, null));
    }

    @Test
    void adapterCodesBecomeStatuses() {
        assertEquals(503, SampleResponses.status(InferenceException.Code.OVERLOADED));
        assertEquals(413, SampleResponses.status(InferenceException.Code.TOO_LARGE));
        assertEquals(404, SampleResponses.status(InferenceException.Code.NOT_FOUND));
    }
}
