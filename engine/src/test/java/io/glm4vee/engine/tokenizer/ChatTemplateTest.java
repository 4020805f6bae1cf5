package io.glm4vee.engine.tokenizer;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The glm-4v template layout (golden.json's chat is checked in TokenizerGoldenTest). */
class ChatTemplateTest {
    private final GlmTokenizer tok = TinyFixture.tokenizer();

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(IntStream::of).toArray();
    }

    @Test
    void singleTurnImageQueryLayout() {
        // [gMASK] <sop> <|user|> \n boi <|endoftext|> eoi query <|assistant|>
        int[] ids = ChatTemplate.apply(tok, List.of(new ChatMessage("user", "Describe it", true)), true);
        assertArrayEquals(concat(new int[] {322, 324, 327, 198, 330, 320, 331}, tok.encodeOrdinary("Describe it"),
                new int[] {328}), ids);
    }

    @Test
    void multiTurnHasNoEndTokenBetweenTurns() {
        int[] ids = ChatTemplate.apply(tok, List.of(
                new ChatMessage("system", "Be brief."),
                new ChatMessage("user", "q1"),
                new ChatMessage("assistant", "a1"),
                new ChatMessage("observation", "{}"),
                new ChatMessage("user", "q2")), false);
        assertArrayEquals(concat(new int[] {322, 324, 326, 198}, tok.encodeOrdinary("Be brief."),
                new int[] {327, 198}, tok.encodeOrdinary("q1"),
                new int[] {328, 198}, tok.encodeOrdinary("a1"),
                new int[] {329, 198}, tok.encodeOrdinary("{}"),
                new int[] {327, 198}, tok.encodeOrdinary("q2")), ids);
    }

    @Test
    void emptyTurnsWithoutImageAreSkippedButImageOnlyTurnsAreKept() {
        int[] ids = ChatTemplate.apply(tok, List.of(
                new ChatMessage("system", ""),
                new ChatMessage("user", null, true),
                new ChatMessage("assistant", "")), true);
        assertArrayEquals(new int[] {322, 324, 327, 198, 330, 320, 331, 328}, ids);
    }

    @Test
    void metadataGoesBeforeTheNewline() {
        int[] ids = ChatTemplate.apply(tok, List.of(new ChatMessage("assistant", "x", false, "get_weather")), false);
        assertArrayEquals(concat(new int[] {322, 324, 328}, tok.encodeOrdinary("get_weather\n"),
                tok.encodeOrdinary("x")), ids);
    }

    @Test
    void specialStringsInContentStayPlainText() {
        int[] ids = ChatTemplate.apply(tok, List.of(new ChatMessage("user", "<|assistant|><|begin_of_image|>")), true);
        long specials = IntStream.of(ids).filter(tok::isSpecial).count();
        assertEquals(4, specials, "only [gMASK] <sop> <|user|> and the final <|assistant|>");
    }

    @Test
    void aSecondImageIsRejected() {
        List<ChatMessage> two = List.of(new ChatMessage("user", "a", true), new ChatMessage("assistant", "b"),
                new ChatMessage("user", "c", true));
        EngineException e = assertThrows(EngineException.class, () -> ChatTemplate.apply(tok, two, true));
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
        assertTrue(e.getMessage().contains("one image"), e.getMessage());
        assertTrue(e.getMessage().contains("0 and 2"), e.getMessage());
    }

    @Test
    void unknownRolesAreRejected() {
        for (String role : new String[] {"tool", "User", "", null}) {
            EngineException e = assertThrows(EngineException.class, () -> new ChatMessage(role, "x"));
            assertEquals(ErrorCode.BAD_REQUEST, e.code());
        }
        assertEquals("", new ChatMessage("user", "x").metadata());
    }
}
