package io.glm4vee.engine.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The merge order of tiktoken's byte_pair_encode, on hand-made vocabularies and the fixture. */
class TokenizerBpeTest {
    @TempDir
    Path dir;

    /** Bytes 0..255 get ranks 0..255, then {@code merges} get 256, 257, ... */
    private GlmTokenizer vocab(String... merges) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            lines.add(Base64.getEncoder().encodeToString(new byte[] {(byte) b}) + " " + b);
        }
        for (int i = 0; i < merges.length; i++) {
            lines.add(Base64.getEncoder().encodeToString(merges[i].getBytes(StandardCharsets.UTF_8)) + " " + (256 + i));
        }
        Path p = dir.resolve("v" + merges.length + ".model");
        Files.write(p, lines);
        return GlmTokenizer.load(p);
    }

    @Test
    void leftmostPairWinsATie() throws IOException {
        GlmTokenizer t = vocab("aa");
        assertArrayEquals(new int[] {256, 'a'}, t.encodeOrdinary("aaa"));
        // long enough for the heap path: 101 a's pair up from the left
        int[] ids = t.encodeOrdinary("a".repeat(101));
        assertEquals(51, ids.length);
        assertEquals('a', ids[50]);
        for (int i = 0; i < 50; i++) {
            assertEquals(256, ids[i]);
        }
    }

    @Test
    void lowestRankWinsOverLeftmost() throws IOException {
        GlmTokenizer t = vocab("bc", "ab"); // bc = 256 beats ab = 257
        assertArrayEquals(new int[] {'a', 256}, t.encodeOrdinary("abc"));
        // 90 bytes: the heap path, where every bc merges before any a can pair up
        int[] expected = new int[60];
        for (int i = 0; i < 60; i += 2) {
            expected[i] = 'a';
            expected[i + 1] = 256;
        }
        assertArrayEquals(expected, t.encodeOrdinary("abc".repeat(30)));
    }

    @Test
    void mergesChainUntilNothingMerges() throws IOException {
        GlmTokenizer t = vocab("ab", "abab", "ababab");
        // ab ab ab ab -> abab ab ab (leftmost) -> abab abab (ab+ab = 257 beats abab+ab = 258)
        assertArrayEquals(new int[] {257, 257}, t.encodeOrdinary("abababab"));
        assertArrayEquals(new int[] {257, 'a'}, t.encodeOrdinary("ababa"));
        assertArrayEquals(new int[] {258}, t.encodeOrdinary("ababab"));
        // ab ab ab a -> abab ab a -> ababab a
        assertArrayEquals(new int[] {258, 'a'}, t.encodeOrdinary("abababa"));
    }

    @Test
    void wholePieceRankComesFirst() throws IOException {
        // "xyz" is a token but unreachable by merges (no "xy" or "yz")
        GlmTokenizer t = vocab("xyz");
        assertArrayEquals(new int[] {256}, t.encodeOrdinary("xyz"));
        assertArrayEquals(new int[] {'x', 'y', 'z', 'x', 'y', 'z'}, t.encodeOrdinary("xyzxyz"));
    }

    /** The heap merge is an optimisation: it must agree with the tiktoken-style rescan. */
    @Test
    void heapAndRescanAgreeOnRandomPieces() {
        TokenizerModelReader.Vocab v = TokenizerModelReader.read(TinyFixture.tokenizerModel());
        BytePairEncoder bpe = new BytePairEncoder(v.ranks());
        // fragments of the words the tiny vocab learned merges for (" the", " brown", "这", "。" ...)
        String[] chunks = {" ", "t", "h", "e", "r", "a", "i", "c", "n", "l", "v", "u", "w", "o",
            " the", "The", "What", "brown", "detail", "这", "。", "你好", "\n\n", "🐱"};
        Random rnd = new Random(7);
        int merged = 0;
        for (int trial = 0; trial < 3000; trial++) {
            StringBuilder s = new StringBuilder();
            for (int k = 1 + rnd.nextInt(trial < 2500 ? 12 : 150); k > 0; k--) {
                s.append(chunks[rnd.nextInt(chunks.length)]);
            }
            byte[] piece = s.toString().getBytes(StandardCharsets.UTF_8);
            IntList a = new IntList();
            IntList b = new IntList();
            bpe.encodeRescan(piece, a);
            bpe.encodeHeap(piece, b);
            assertArrayEquals(a.toArray(), b.toArray(), () -> "piece " + HexFormat.of().formatHex(piece));
            merged += piece.length - a.toArray().length;
        }
        assertTrue(merged > 10_000, "the random pieces should exercise many merges, got " + merged);
    }

    @Test
    void longPiecesStayFast() {
        GlmTokenizer t = TinyFixture.tokenizer();
        String letters = "thequickbrownfoxjumpsoverthelazydog".repeat(30_000); // ~1 MB, one piece
        int[] ids = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> t.encodeOrdinary(letters));
        assertEquals(letters, t.decode(ids));
        String spaces = " ".repeat(200_000) + "x";
        int[] ws = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> t.encodeOrdinary(spaces));
        assertEquals(spaces, t.decode(ws));
    }
}
