package io.glm4vee.engine.tokenizer;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** tokenizer.model validation: each malformed file fails with BAD_TOKENIZER naming the line. */
class TokenizerModelFileTest {
    @TempDir
    Path dir;

    private static List<String> fixtureLines() throws IOException {
        return new ArrayList<>(Files.readAllLines(TinyFixture.tokenizerModel(), StandardCharsets.US_ASCII));
    }

    private Path write(List<String> lines) throws IOException {
        Path p = dir.resolve("tokenizer.model");
        Files.write(p, lines, StandardCharsets.US_ASCII);
        return p;
    }

    private void assertBad(List<String> lines, String... fragments) throws IOException {
        Path p = write(lines);
        EngineException e = assertThrows(EngineException.class, () -> GlmTokenizer.load(p));
        assertEquals(ErrorCode.BAD_TOKENIZER, e.code());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "'" + e.getMessage() + "' should contain '" + f + "'");
        }
    }

    @Test
    void badBase64NamesTheLine() throws IOException {
        List<String> lines = fixtureLines();
        lines.set(2, "I*w== 2");
        assertBad(lines, "line 3", "base64");
    }

    @Test
    void wrongFieldCountNamesTheLine() throws IOException {
        List<String> lines = fixtureLines();
        lines.set(4, "JQ==");
        assertBad(lines, "line 5", "1 fields");
        lines = fixtureLines();
        lines.set(4, "JQ== 4 extra");
        assertBad(lines, "line 5", "3 fields");
    }

    @Test
    void nonNumericOrNegativeRankNamesTheLine() throws IOException {
        List<String> lines = fixtureLines();
        lines.set(6, "Jw== seven");
        assertBad(lines, "line 7", "'seven'");
        lines = fixtureLines();
        lines.set(6, "Jw== -6");
        assertBad(lines, "line 7", "'-6'");
    }

    @Test
    void duplicateRankNamesBothLines() throws IOException {
        List<String> lines = fixtureLines();
        lines.set(9, lines.get(9).split(" ")[0] + " 3"); // line 10 reuses rank 3 (line 4)
        assertBad(lines, "line 10", "rank 3 already used on line 4");
    }

    @Test
    void gapInRanksNamesTheLine() throws IOException {
        List<String> lines = fixtureLines();
        lines.set(99, lines.get(99).split(" ")[0] + " 320"); // rank 99 missing, 320 out of range
        assertBad(lines, "line 100", "rank 320 is out of range", "0..319");
    }

    @Test
    void duplicateTokenBytesNamesBothLines() throws IOException {
        List<String> lines = fixtureLines();
        lines.set(300, lines.get(0).split(" ")[0] + " 300");
        assertBad(lines, "line 301", "line 1");
    }

    @Test
    void emptyTokenNamesTheLine() throws IOException {
        List<String> lines = fixtureLines();
        lines.set(11, "= 11");
        assertBad(lines, "line 12");
    }

    @Test
    void missingSingleByteIsRejected() throws IOException {
        // Drop the token for '!' (0x21, rank 0) and renumber so that the ranks stay contiguous.
        List<String> lines = fixtureLines();
        lines.removeFirst();
        List<String> renumbered = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            renumbered.add(lines.get(i).split(" ")[0] + " " + i);
        }
        assertBad(renumbered, "0x21");
    }

    @Test
    void emptyOrMissingFileIsRejected() throws IOException {
        assertBad(List.of("", "  "), "no tokens");
        EngineException e = assertThrows(EngineException.class, () -> GlmTokenizer.load(dir.resolve("absent.model")));
        assertEquals(ErrorCode.BAD_TOKENIZER, e.code());
    }

    @Test
    void paddedVocabSmallerThanTheTokensIsRejected() {
        EngineException e = assertThrows(EngineException.class,
                () -> GlmTokenizer.load(TinyFixture.tokenizerModel(), 333));
        assertEquals(ErrorCode.BAD_TOKENIZER, e.code());
        assertTrue(e.getMessage().contains("334"), e.getMessage());
        assertEquals(334, GlmTokenizer.load(TinyFixture.tokenizerModel(), 334).paddedVocabSize());
    }

    @Test
    void crlfBlankLinesAndShuffledOrderLoadTheSameVocabulary() throws IOException {
        List<String> lines = fixtureLines();
        Collections.reverse(lines);
        lines.add(0, "");
        lines.add("");
        Path p = dir.resolve("tokenizer.model");
        Files.writeString(p, String.join("\r\n", lines) + "\r\n", StandardCharsets.US_ASCII);
        GlmTokenizer shuffled = GlmTokenizer.load(p);
        GlmTokenizer original = GlmTokenizer.load(TinyFixture.tokenizerModel());
        assertEquals(original.ordinaryCount(), shuffled.ordinaryCount());
        int[] all = IntStream.range(0, original.ordinaryCount()).toArray();
        assertArrayEquals(original.decodeBytes(all), shuffled.decodeBytes(all));
        String text = "The quick brown fox, 你好 🐱!";
        assertArrayEquals(original.encodeOrdinary(text), shuffled.encodeOrdinary(text));
    }
}
