package io.glm4vee.engine.tokenizer;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into pieces with the GLM-4 pattern (tiktoken semantics: leftmost alternative
 * wins, each greedy with backtracking). BPE then runs inside each piece only.
 */
final class Pretokenizer {
    /*
     * UNICODE_CHARACTER_CLASS is required: without it \s is ASCII-only (U+3000, U+00A0 would
     * split differently) and (?i) would not fold U+017F 'long s' to 's' the way the Rust regex
     * behind tiktoken does, so "'ſ" would stop being a contraction.
     */
    private static final Pattern PATTERN = Pattern.compile(
            "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
                    + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    private Pretokenizer() {
    }

    /** The pieces, in order; they concatenate back to {@code text}. */
    static List<String> split(CharSequence text) {
        List<String> pieces = new ArrayList<>();
        Matcher m = PATTERN.matcher(text);
        int expected = 0;
        while (m.find()) {
            // Every code point is a letter, number, whitespace or "other", and each class has an
            // alternative, so matches are contiguous. A gap would silently drop text: fail loudly.
            if (m.start() != expected) {
                throw skipped(expected);
            }
            pieces.add(text.subSequence(m.start(), m.end()).toString());
            expected = m.end();
        }
        if (expected != text.length()) {
            throw skipped(expected);
        }
        return pieces;
    }

    private static EngineException skipped(int index) {
        return new EngineException(ErrorCode.INTERNAL, "pre-tokenizer skipped text at index " + index);
    }
}
