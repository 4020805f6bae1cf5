package io.glm4vee.engine.weights;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small byte-level BPE vocabulary for synthetic checkpoints: 256 single bytes, then merges
 * learned from a built-in English corpus so that the vocabulary holds real words and
 * tokenizer code has something meaningful to merge. Each merged token gets a higher rank than
 * its parts, which tiktoken-style rank-ordered merging requires.
 */
final class SynthVocab {
    /** GLM-4 special tokens; their ids are (ordinary count + index), in this order. */
    static final List<String> SPECIAL_TOKENS = List.of("<|endoftext|>", "[MASK]", "[gMASK]", "[sMASK]",
            "<sop>", "<eop>", "<|system|>", "<|user|>", "<|assistant|>", "<|observation|>",
            "<|begin_of_image|>", "<|end_of_image|>", "<|begin_of_video|>", "<|end_of_video|>");

    /** GLM-4's pre-tokenizer pattern; merges are learned inside the pieces it produces. */
    private static final Pattern PIECES = Pattern.compile(
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}|"
                    + " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private static final String CORPUS = """
            A small engine reads the weights of a large model and answers questions about a picture.
            What is in this image? There is a brown dog sitting on the grass next to a red bicycle,
            and the sky above the houses is clear and blue. Describe the picture in detail, please.
            The photograph shows a kitchen table with three cups of coffee, a plate of bread and an
            open book. Two children are playing with a ball in the garden while their parents talk.
            I think it's a cat; they'll see it when they've finished reading. We'd like to know more.
            Numbers help too: 2024, 1120 pixels, 14 by 14 patches, 32 heads and 4096 hidden units.
            def answer(question):
                return "The answer is " + str(42)
            Every morning the train leaves the station at seven, crosses the river and climbs into
            the mountains, where snow covers the trees and the roads are quiet for most of the year.
            The model looks at the image, writes a short caption and then explains what it noticed:
            colours, shapes, people, animals, signs, the weather and the time of day.
            """;

    private SynthVocab() {
    }

    /** Ranks: token bytes -> id, ids 0..255 single bytes, then {@code merges} learned tokens. */
    static Map<ByteSeq, Integer> train(int merges) {
        Map<ByteSeq, Integer> ranks = new LinkedHashMap<>();
        for (int b : byteOrder()) {
            ranks.put(new ByteSeq(new byte[] {(byte) b}), ranks.size());
        }
        Map<List<ByteSeq>, Integer> words = corpusWords();
        for (int m = 0; m < merges; m++) {
            ByteSeq[] best = bestPair(words, ranks);
            if (best == null) {
                throw new EngineException(ErrorCode.BAD_REQUEST, "synth option merges=" + merges
                        + " is more than the built-in corpus can teach (it stops at " + m + ")");
            }
            ByteSeq merged = best[0].concat(best[1]);
            ranks.put(merged, ranks.size());
            words = applyMerge(words, best[0], best[1], merged);
        }
        return ranks;
    }

    /** One "base64(bytes) rank" line per ordinary token, in rank order (the tokenizer.model format). */
    static void write(Map<ByteSeq, Integer> ranks, Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        Base64.Encoder b64 = Base64.getEncoder();
        ranks.forEach((tok, rank) -> sb.append(b64.encodeToString(tok.bytes())).append(' ').append(rank).append('\n'));
        Files.writeString(file, sb, StandardCharsets.US_ASCII);
    }

    /** Printable bytes first (rank 0 is '!'), as byte-level BPE vocabularies order them. */
    private static int[] byteOrder() {
        int[] order = new int[256];
        boolean[] used = new boolean[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
            if (printable) {
                order[n++] = b;
                used[b] = true;
            }
        }
        for (int b = 0; b < 256; b++) {
            if (!used[b]) {
                order[n++] = b;
            }
        }
        return order;
    }

    private static Map<List<ByteSeq>, Integer> corpusWords() {
        Map<List<ByteSeq>, Integer> words = new LinkedHashMap<>();
        Matcher m = PIECES.matcher(CORPUS);
        while (m.find()) {
            byte[] piece = m.group().getBytes(StandardCharsets.UTF_8);
            List<ByteSeq> w = new ArrayList<>(piece.length);
            for (byte b : piece) {
                w.add(new ByteSeq(new byte[] {b}));
            }
            words.merge(List.copyOf(w), 1, Integer::sum);
        }
        return words;
    }

    /** Most frequent adjacent pair whose merge is new; ties go to the smaller byte string. */
    private static ByteSeq[] bestPair(Map<List<ByteSeq>, Integer> words, Map<ByteSeq, Integer> ranks) {
        Map<List<ByteSeq>, Integer> counts = new HashMap<>();
        words.forEach((w, c) -> {
            for (int i = 0; i + 1 < w.size(); i++) {
                counts.merge(List.of(w.get(i), w.get(i + 1)), c, Integer::sum);
            }
        });
        List<ByteSeq> best = null;
        int bestCount = 0;
        for (Map.Entry<List<ByteSeq>, Integer> e : counts.entrySet()) {
            List<ByteSeq> p = e.getKey();
            if (ranks.containsKey(p.get(0).concat(p.get(1)))) {
                continue;
            }
            int c = e.getValue();
            if (best == null || c > bestCount || (c == bestCount && comparePairs(p, best) < 0)) {
                best = p;
                bestCount = c;
            }
        }
        return best == null ? null : new ByteSeq[] {best.get(0), best.get(1)};
    }

    private static int comparePairs(List<ByteSeq> a, List<ByteSeq> b) {
        int c = Arrays.compareUnsigned(a.get(0).bytes(), b.get(0).bytes());
        return c != 0 ? c : Arrays.compareUnsigned(a.get(1).bytes(), b.get(1).bytes());
    }

    private static Map<List<ByteSeq>, Integer> applyMerge(Map<List<ByteSeq>, Integer> words, ByteSeq a,
            ByteSeq b, ByteSeq merged) {
        Map<List<ByteSeq>, Integer> out = new LinkedHashMap<>();
        words.forEach((w, c) -> {
            List<ByteSeq> next = new ArrayList<>(w.size());
            for (int i = 0; i < w.size(); i++) {
                if (i + 1 < w.size() && w.get(i).equals(a) && w.get(i + 1).equals(b)) {
                    next.add(merged);
                    i++;
                } else {
                    next.add(w.get(i));
                }
            }
            out.merge(List.copyOf(next), c, Integer::sum);
        });
        return out;
    }

    /** Immutable byte string usable as a map key. */
    record ByteSeq(byte[] bytes) {
        ByteSeq concat(ByteSeq o) {
            byte[] r = Arrays.copyOf(bytes, bytes.length + o.bytes.length);
            System.arraycopy(o.bytes, 0, r, bytes.length, o.bytes.length);
            return new ByteSeq(r);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ByteSeq s && Arrays.equals(bytes, s.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
