package io.glm4vee.engine.tokenizer;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** StreamingDecoder: streamed pieces plus flush() equal decode() of all ids. */
class TokenizerStreamingTest {
    private static GlmTokenizer tok;

    @BeforeAll
    static void load() {
        tok = TinyFixture.tokenizer();
    }

    private static String stream(int[] ids) {
        StreamingDecoder d = tok.streamingDecoder();
        StringBuilder s = new StringBuilder();
        for (int id : ids) {
            s.append(d.accept(id));
        }
        s.append(d.flush());
        assertFalse(d.hasPending());
        return s.toString();
    }

    @Test
    void holdsBackASplitCharacter() {
        int[] ids = tok.encodeOrdinary("你好");
        assertEquals(5, ids.length, "the fixture splits the 6 bytes of 你好 over 5 tokens");
        StreamingDecoder d = tok.streamingDecoder();
        assertEquals("", d.accept(ids[0]));
        assertTrue(d.hasPending());
        StringBuilder s = new StringBuilder();
        for (int i = 1; i < ids.length; i++) {
            s.append(d.accept(ids[i]));
        }
        assertEquals("你好", s.toString());
        assertFalse(d.hasPending());
        assertEquals("", d.flush());
    }

    @Test
    void flushReplacesAnUnfinishedCharacter() {
        int[] ids = tok.encodeOrdinary("好");
        StreamingDecoder d = tok.streamingDecoder();
        assertEquals("", d.accept(ids[0]));
        assertEquals("\uFFFD", d.flush());
        assertEquals("", d.flush());
    }

    @Test
    void aSpecialTokenEndsAnUnfinishedCharacter() {
        int first = tok.encodeOrdinary("好")[0];
        int eos = tok.specialId(SpecialTokens.ENDOFTEXT);
        StreamingDecoder d = tok.streamingDecoder();
        assertEquals("", d.accept(first));
        assertEquals("\uFFFD<|endoftext|>", d.accept(eos));
        assertEquals("", d.accept(tok.paddedVocabSize() - 1)); // padding row: nothing
    }

    /** Ids from anywhere in the padded vocab: invalid UTF-8, specials, padding. */
    @Test
    void randomIdsStreamLikeTheFullDecode() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 3000; trial++) {
            int[] ids = rnd.ints(rnd.nextInt(30), 0, tok.paddedVocabSize()).toArray();
            assertEquals(tok.decode(ids), stream(ids), () -> Arrays.toString(ids));
        }
    }

    /** Mostly valid text: tokens of Chinese and emoji, some cut off or reordered. */
    @Test
    void mostlyValidTextStreamsLikeTheFullDecode() {
        String[] words = {"你好", "描述", "这张图片", "🐱", "🚗", " and", "。", "，", "hello"};
        Random rnd = new Random(5);
        int held = 0;
        for (int trial = 0; trial < 2000; trial++) {
            StringBuilder text = new StringBuilder();
            for (int i = rnd.nextInt(8); i >= 0; i--) {
                text.append(words[rnd.nextInt(words.length)]);
            }
            int[] all = tok.encodeOrdinary(text.toString());
            int[] fin = all;
            if (rnd.nextBoolean() && all.length > 2) { // cut a character or drop a middle token
                int cut = rnd.nextInt(all.length);
                fin = rnd.nextBoolean() ? Arrays.copyOf(all, cut)
                        : IntStream.range(0, all.length).filter(k -> k != cut).map(k -> all[k]).toArray();
            }
            int[] seq = fin;
            assertEquals(tok.decode(seq), stream(seq), () -> Arrays.toString(seq));
            StreamingDecoder d = tok.streamingDecoder();
            for (int id : seq) {
                d.accept(id);
                held += d.hasPending() ? 1 : 0;
            }
        }
        assertTrue(held > 1000, "multi-byte splits should be frequent, got " + held);
    }

    @Test
    void rejectsIdsOutsideThePaddedVocab() {
        StreamingDecoder d = tok.streamingDecoder();
        EngineException e = assertThrows(EngineException.class, () -> d.accept(tok.paddedVocabSize()));
        assertEquals(ErrorCode.BAD_TOKENIZER, e.code());
        assertThrows(EngineException.class, () -> d.accept(-1));
    }
}
