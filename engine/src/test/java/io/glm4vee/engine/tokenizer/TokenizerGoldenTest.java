package io.glm4vee.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tokenizer against golden.json of glm4v-tiny-a, produced by the numpy reference. */
class TokenizerGoldenTest {
    private static GlmTokenizer tok;
    private static JsonNode golden;

    @BeforeAll
    static void load() {
        tok = TinyFixture.tokenizer();
        golden = TinyFixture.golden().get("tokenizer");
    }

    @Test
    void specialTokenTableMatchesGoldenInOrder() {
        assertEquals(golden.get("n_ordinary_tokens").asInt(), tok.ordinaryCount());
        List<String> goldenOrder = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : golden.get("special_tokens").properties()) {
            goldenOrder.add(e.getKey());
            assertEquals(e.getValue().asInt(), tok.specialId(e.getKey()), e.getKey());
        }
        assertEquals(goldenOrder, SpecialTokens.ORDER);
        assertEquals(320, tok.specialId("<|endoftext|>"));
        assertEquals(333, tok.specialId("<|end_of_video|>"));
    }

    @Test
    void isSpecialCoversExactlyTheSpecialRange() {
        int n = tok.ordinaryCount();
        for (int id = 0; id < tok.paddedVocabSize(); id++) {
            assertEquals(id >= n && id < n + 14, tok.isSpecial(id), "id " + id);
        }
        assertFalse(tok.isSpecial(-1));
    }

    @TestFactory
    Stream<DynamicTest> piecesMatchGolden() {
        return strings().map(s -> DynamicTest.dynamicTest("pieces of " + s.get("text"), () -> {
            List<String> expected = new ArrayList<>();
            s.get("pieces").forEach(p -> expected.add(p.asText()));
            assertEquals(expected, tok.pretokenize(s.get("text").asText()));
        }));
    }

    @TestFactory
    Stream<DynamicTest> idsMatchGolden() {
        return strings().map(s -> DynamicTest.dynamicTest("ids of " + s.get("text"), () ->
                assertArrayEquals(TinyFixture.ints(s.get("ids")), tok.encodeOrdinary(s.get("text").asText()))));
    }

    @TestFactory
    Stream<DynamicTest> encodeThenDecodeGivesTheText() {
        return strings().map(s -> DynamicTest.dynamicTest("round trip " + s.get("text"), () -> {
            String text = s.get("text").asText();
            assertEquals(text, tok.decode(tok.encodeOrdinary(text)));
        }));
    }

    @Test
    void chatIdsMatchGolden() {
        JsonNode chat = golden.get("chat");
        List<ChatMessage> messages = new ArrayList<>();
        chat.get("messages").forEach(m -> messages.add(new ChatMessage(m.get("role").asText(),
                m.get("content").asText(), m.path("image").asBoolean(false))));
        int[] ids = ChatTemplate.apply(tok, messages, chat.get("add_generation_prompt").asBoolean());
        assertArrayEquals(TinyFixture.ints(chat.get("ids")), ids);
    }

    /** The forward-pass cases: their template ids, and the decoded text of the generated ids. */
    @TestFactory
    Stream<DynamicTest> goldenCasesTemplateAndDecode() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : TinyFixture.golden().get("cases")) {
            String name = c.get("name").asText();
            if (!c.get("messages").isNull()) {
                tests.add(DynamicTest.dynamicTest("template " + name, () -> {
                    List<ChatMessage> messages = new ArrayList<>();
                    c.get("messages").forEach(m -> messages.add(new ChatMessage(m.get("role").asText(),
                            m.get("content").asText(), m.hasNonNull("image"))));
                    assertArrayEquals(TinyFixture.ints(c.get("input_ids")), ChatTemplate.apply(tok, messages, true));
                }));
            }
            tests.add(DynamicTest.dynamicTest("decode " + name, () -> {
                int[] generated = TinyFixture.ints(c.get("generated"));
                assertEquals(c.get("decoded_bytes_hex").asText(), HexFormat.of().formatHex(tok.decodeBytes(generated)));
                assertEquals(c.get("decoded").asText(), tok.decode(generated));
            }));
        }
        return tests.stream();
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

    private static Stream<JsonNode> strings() {
        List<JsonNode> out = new ArrayList<>();
        golden.get("encode_ordinary").forEach(out::add);
        assertFalse(out.isEmpty());
        return out.stream();
    }
}
