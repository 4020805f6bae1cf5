package io.glm4vee.engine.tokenizer;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** decodeBytes / decode: specials as text, padding as nothing, everything else rejected. */
class TokenizerDecodeTest {
    private final GlmTokenizer tok = TinyFixture.tokenizer();

    @Test
    void specialTokensDecodeToTheirText() {
        assertEquals("[gMASK]<sop><|user|>hi<|assistant|>", tok.decode(tok.encode("<|user|>hi<|assistant|>")));
        assertEquals("[gMASK]<sop>", tok.decode(new int[] {322, 324}));
    }

    @Test
    void paddingRowsDecodeToNothing() {
        int[] ids = {idOfBytes('a'), 334, 383};
        assertArrayEquals(tok.decodeBytes(new int[] {ids[0]}), tok.decodeBytes(ids));
        assertEquals(0, tok.decodeBytes(new int[] {334, 358, 383}).length);
    }

    @Test
    void idsOutsideThePaddedVocabAreRejected() {
        for (int bad : new int[] {-1, 384, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            EngineException e = assertThrows(EngineException.class, () -> tok.decodeBytes(new int[] {0, bad}));
            assertEquals(ErrorCode.BAD_TOKENIZER, e.code());
            assertTrue(e.getMessage().contains(Integer.toString(bad)), e.getMessage());
        }
        // without a padded size only ordinary and special ids exist
        GlmTokenizer bare = GlmTokenizer.load(TinyFixture.tokenizerModel());
        assertEquals("<|end_of_video|>", bare.decode(new int[] {333}));
        assertThrows(EngineException.class, () -> bare.decode(new int[] {334}));
    }

    @Test
    void decodeUsesPythonReplacement() {
        // ED A0 80 is an encoded surrogate: Python gives three U+FFFD, the JDK fewer
        int ed = idOfBytes(0xED);
        int a0 = idOfBytes(0xA0);
        int x80 = idOfBytes(0x80);
        assertEquals("\uFFFD\uFFFD\uFFFD", tok.decode(new int[] {ed, a0, x80}));
        assertEquals("eda080", HexFormat.of().formatHex(tok.decodeBytes(new int[] {ed, a0, x80})));
    }

    @Test
    void tokenTextIsReadable() {
        assertEquals("<|user|>", tok.tokenText(327));
        assertEquals("<pad:350>", tok.tokenText(350));
        assertEquals("\\xED", tok.tokenText(idOfBytes(0xED)));
        int hello = tok.encodeOrdinary("hello")[0];
        assertEquals(new String(tok.decodeBytes(new int[] {hello}), StandardCharsets.UTF_8), tok.tokenText(hello));
        assertThrows(EngineException.class, () -> tok.tokenText(384));
    }

    @Test
    void unknownSpecialTokenNameIsABadRequest() {
        EngineException e = assertThrows(EngineException.class, () -> tok.specialId("<|tool|>"));
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
    }

    private int idOfBytes(int b) {
        for (int id = 0; id < tok.ordinaryCount(); id++) {
            byte[] t = tok.decodeBytes(new int[] {id});
            if (t.length == 1 && (t[0] & 0xFF) == b) {
                return id;
            }
        }
        throw new AssertionError("no single-byte token for " + b);
    }
}
