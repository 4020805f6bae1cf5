package io.glm4vee.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Utf8.decodeReplace against CPython's bytes.decode("utf-8", "replace"). */
class Utf8Test {
    private static String decode(String hex) {
        return Utf8.decodeReplace(HexFormat.of().parseHex(hex));
    }

    private static final String R = "\uFFFD";

    /** Expected values printed by CPython 3.11. */
    @Test
    void trickySequencesMatchPython() {
        assertEquals(R + R + R, decode("eda080"));     // encoded surrogate: ED takes 80..9F only
        assertEquals(R + R + R, decode("edbfbf"));
        assertEquals(R + R, decode("eda0"));
        assertEquals("\uD7FF", decode("ed9fbf"));      // the last code point before the surrogates
        assertEquals(R, decode("e4bd"));               // truncated 3-byte sequence: one U+FFFD
        assertEquals(R, decode("f09f"));
        assertEquals(R, decode("f09f98"));
        assertEquals(R + "A", decode("e4bd41"));       // cut short by an ASCII byte
        assertEquals(R + "A", decode("c241"));
        assertEquals(R, decode("c2"));
        assertEquals(R + R, decode("c080"));           // overlong lead bytes C0/C1 never start
        assertEquals(R + R + R + R, decode("f5808080"));
        assertEquals(R, decode("80"));                 // lone continuation bytes
        assertEquals(R + R, decode("bf80"));
        assertEquals(R + R + R, decode("e08080"));     // overlong: E0 takes A0..BF only
        assertEquals(R, decode("e0a0"));
        assertEquals(R + R + R + R, decode("f0808080")); // overlong: F0 takes 90..BF only
        assertEquals(R + R + R + R, decode("f4908080")); // above U+10FFFF: F4 takes 80..8F only
        assertEquals("\uDBFF\uDFFF", decode("f48fbfbf")); // U+10FFFF
        assertEquals("\uFFFF", decode("efbfbf"));
        assertEquals(R, decode("fe"));
        assertEquals(R, decode("ff"));
        assertEquals("\u4f60" + R, decode("e4bda0e4bd"));
        assertEquals("", decode(""));
    }

    /** Documents why Utf8 exists: the JDK decoder counts replacements differently here. */
    @Test
    void jdkDecoderDiffersOnEncodedSurrogates() {
        byte[] b = HexFormat.of().parseHex("eda080");
        assertNotEquals(new String(b, StandardCharsets.UTF_8), Utf8.decodeReplace(b));
    }

    /** 2000 random byte strings dense in edge bytes; see utf8/make_replace_cases.py. */
    @Test
    void randomEdgeCasesMatchPython() {
        JsonNode cases = TinyFixture.readJson("/utf8/replace_cases.json");
        assertEquals(2000, cases.size());
        for (JsonNode c : cases) {
            String hex = c.get("hex").asText();
            assertEquals(c.get("text").asText(), decode(hex), () -> "bytes " + hex);
        }
    }

    @Test
    void validTextRoundTripsAndIsValid() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 2000; trial++) {
            StringBuilder s = new StringBuilder();
            for (int i = rnd.nextInt(20); i > 0; i--) {
                int cp;
                do {
                    cp = rnd.nextInt(4) == 0 ? rnd.nextInt(0x80) : rnd.nextInt(0x110000);
                } while (cp >= 0xD800 && cp <= 0xDFFF);
                s.appendCodePoint(cp);
            }
            byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
            assertTrue(Utf8.isValid(b));
            assertEquals(s.toString(), Utf8.decodeReplace(b));
        }
        assertFalse(Utf8.isValid(HexFormat.of().parseHex("e4bd")));
        assertFalse(Utf8.isValid(HexFormat.of().parseHex("eda080")));
    }

    @Test
    void chunkedDecodingHoldsBackOnlyAnIncompleteTail() {
        byte[] b = HexFormat.of().parseHex("41e4bd");
        StringBuilder out = new StringBuilder();
        assertEquals(1, Utf8.decode(b, 0, b.length, out, false));
        assertEquals("A", out.toString());
        byte[] two = HexFormat.of().parseHex("41ed9f");
        out.setLength(0);
        assertEquals(1, Utf8.decode(two, 0, two.length, out, false));
        assertEquals("A", out.toString());
        // a tail that is already invalid is not held back: ED A0 can never complete
        byte[] bad = HexFormat.of().parseHex("41eda0");
        out.setLength(0);
        assertEquals(3, Utf8.decode(bad, 0, bad.length, out, false));
        assertEquals("A" + R + R, out.toString());
        // at the end of input the incomplete tail is replaced
        out.setLength(0);
        assertEquals(3, Utf8.decode(b, 0, b.length, out, true));
        assertEquals("A" + R, out.toString());
    }
}
