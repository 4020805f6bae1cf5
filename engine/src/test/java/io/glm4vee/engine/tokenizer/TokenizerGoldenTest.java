package io.glm4vee.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tokenizer against the golden.json of every fixture set (written by the numpy reference):
 * special-token table, pre-tokenizer pieces and ids per string, chat ids, each case's template
 * ids and decoded text.
 */
class TokenizerGoldenTest {
    private static GlmTokenizer tok; // glm4v-tiny-a, for the tests after the golden sets

    @BeforeAll
    static void load() {
        tok = TinyFixture.tokenizer();
    }

    @TestFactory
    Stream<DynamicContainer> goldenSets() {
        return TinyFixture.SETS.stream().map(set -> {
            GlmTokenizer t = TinyFixture.tokenizer(set);
            JsonNode golden = TinyFixture.golden(set);
            List<DynamicNode> tests = new ArrayList<>();
            tests.add(dynamicTest("special tokens", () -> specialTokenTable(t, golden.get("tokenizer"))));
            tests.add(dynamicTest("chat ids", () -> chatIds(t, golden.get("tokenizer").get("chat"))));
            for (JsonNode s : golden.get("tokenizer").get("encode_ordinary")) {
                tests.add(dynamicTest("string " + s.get("text"), () -> string(t, s)));
            }
            for (JsonNode c : golden.get("cases")) {
                tests.add(dynamicTest("case " + c.get("name").asText(), () -> goldenCase(t, c)));
            }
            return dynamicContainer(set, tests);
        });
    }

    private static void specialTokenTable(GlmTokenizer t, JsonNode golden) {
        int n = golden.get("n_ordinary_tokens").asInt();
        assertEquals(n, t.ordinaryCount());
        List<String> goldenOrder = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : golden.get("special_tokens").properties()) {
            goldenOrder.add(e.getKey());
            assertEquals(e.getValue().asInt(), t.specialId(e.getKey()), e.getKey());
        }
        assertEquals(SpecialTokens.ORDER, goldenOrder);
        for (int id = -1; id <= t.paddedVocabSize(); id++) {
            assertEquals(id >= n && id < n + 14, t.isSpecial(id), "isSpecial(" + id + ")");
        }
    }

    private static void string(GlmTokenizer t, JsonNode s) {
        String text = s.get("text").asText();
        List<String> pieces = new ArrayList<>();
        s.get("pieces").forEach(p -> pieces.add(p.asText()));
        assertEquals(pieces, t.pretokenize(text), "pieces");
        int[] ids = t.encodeOrdinary(text);
        assertArrayEquals(TinyFixture.ints(s.get("ids")), ids, "ids");
        assertEquals(text, t.decode(ids), "round trip");
    }

    private static void chatIds(GlmTokenizer t, JsonNode chat) {
        int[] ids = ChatTemplate.apply(t, messages(chat.get("messages")), chat.get("add_generation_prompt").asBoolean());
        assertArrayEquals(TinyFixture.ints(chat.get("ids")), ids);
    }

    /** Template ids (chat cases), and the decoded text of the generated ids (every case). */
    private static void goldenCase(GlmTokenizer t, JsonNode c) {
        if (!c.get("messages").isNull()) {
            assertArrayEquals(TinyFixture.ints(c.get("input_ids")), ChatTemplate.apply(t, messages(c.get("messages")), true),
                    "input_ids");
        }
        int[] generated = TinyFixture.ints(c.get("generated"));
        assertEquals(c.get("decoded_bytes_hex").asText(), HexFormat.of().formatHex(t.decodeBytes(generated)));
        assertEquals(c.get("decoded").asText(), t.decode(generated));
    }

    /** "image" is true in golden chats and a PNG name in cases: either way, the turn has the image. */
    private static List<ChatMessage> messages(JsonNode json) {
        List<ChatMessage> out = new ArrayList<>();
        for (JsonNode m : json) {
            JsonNode image = m.path("image");
            boolean hasImage = image.isBoolean() ? image.asBoolean() : image.isTextual();
            out.add(new ChatMessage(m.get("role").asText(), m.get("content").asText(), hasImage));
        }
        return out;
    }

    /**
     * Strings beyond golden.json; expected values from the reference ({@code glm_tokenizer.py}
     * pretokenize / encode_ordinary on this fixture), whose splitter agrees with the regex module.
     */
    @Test
    void moreReferenceStrings() {
        check("it'\u017f", List.of("it", "'\u017f"), 72, 83, 6, 129, 123); // long s folds to 's
        check("IT'S'LL", List.of("IT", "'S", "'LL"), 40, 51, 6, 50, 6, 43, 43);
        check("x'\u017f\u017f", List.of("x", "'\u017f", "\u017f"), 87, 6, 129, 123, 129, 123);
        check("a\u3000b", List.of("a", "\u3000b"), 64, 159, 222, 222, 65); // U+3000 is \s, not a letter
        check("x\u00a0 y", List.of("x", "\u00a0", " y"), 87, 126, 254, 296);
        // runs of non-ASCII White_Space: split only if \s is Unicode-aware
        check("a\u3000\u3000b", List.of("a", "\u3000", "\u3000b"), 64, 159, 222, 222, 159, 222, 222, 65);
        check("x \u00a0\u00a0y", List.of("x", " \u00a0", "\u00a0y"), 87, 220, 126, 254, 126, 254, 88);
        check("z\u2003\n", List.of("z", "\u2003\n"), 89, 158, 222, 225, 198);
        check("  \n  z", List.of("  \n", " ", " z"), 260, 198, 220, 220, 89);
        check("end   ", List.of("end", "   "), 68, 77, 67, 275);
        check("\u2028a", List.of("\u2028a"), 158, 222, 101, 64);
        check("123456789\u0663", List.of("123", "456", "789", "\u0663"), 16, 17, 18, 19, 20, 21, 22, 23, 24, 149, 96);
        check("hello\r\r\n\nworld", List.of("hello", "\r\r\n\n", "world"), 256, 281, 78, 201, 201, 267, 86, 78, 81, 75, 67);
        check("\uD83D\uDC31\uD83D\uDE97", List.of("\uD83D\uDC31\uD83D\uDE97"), 172, 253, 238, 109, 172, 253, 248, 245);
        check("e\u0301t\u00e9", List.of("e", "\u0301t\u00e9"), 68, 136, 223, 83, 127, 102);
    }

    private static void check(String text, List<String> pieces, int... ids) {
        assertEquals(pieces, tok.pretokenize(text), "pieces of " + text);
        assertArrayEquals(ids, tok.encodeOrdinary(text), "ids of " + text);
        assertEquals(text, tok.decode(ids));
    }

    @Test
    void encodePrependsPrefixAndRecognisesSpecialStrings() {
        int[] hi = tok.encodeOrdinary("hi");
        int[] there = tok.encodeOrdinary(" there");
        int[] expected = IntStream.concat(IntStream.of(322, 324, 327),
                IntStream.concat(IntStream.of(hi), IntStream.concat(IntStream.of(328), IntStream.of(there)))).toArray();
        assertArrayEquals(expected, tok.encode("<|user|>hi<|assistant|> there"));
        assertArrayEquals(new int[] {322, 324}, tok.encode(""));
        // the ordinary path keeps the same string as plain text: no id of the special range
        assertTrue(IntStream.of(tok.encodeOrdinary("<|user|>hi<|assistant|>")).noneMatch(tok::isSpecial));
        // text between special tokens is pre-tokenised on its own, as HF does
        assertArrayEquals(IntStream.concat(IntStream.of(322, 324, 320), IntStream.of(tok.encodeOrdinary(" x"))).toArray(),
                tok.encode("<|endoftext|> x"));
    }
}
