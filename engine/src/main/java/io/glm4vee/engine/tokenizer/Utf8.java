package io.glm4vee.engine.tokenizer;

/**
 * UTF-8 decoding with Python's {@code errors="replace"} results: one U+FFFD per maximal
 * invalid subpart (Unicode's recommended practice, which CPython follows). A lead byte whose
 * continuation goes wrong yields one U+FFFD for the lead and the valid continuation bytes seen
 * so far; decoding resumes at the offending byte. Bytes that can never start a sequence
 * (80..BF, C0, C1, F5..FF) yield one U+FFFD each.
 *
 * <p>Not {@code new String(bytes, UTF_8)}: the JDK emits a different number of U+FFFD for
 * encoded surrogates (ED A0..BF ..), and golden files record the Python text.
 */
public final class Utf8 {
    public static final char REPLACEMENT = '\uFFFD';

    private Utf8() {
    }

    public static String decodeReplace(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length);
        decode(bytes, 0, bytes.length, out, true);
        return out.toString();
    }

    /** True when {@code bytes} is well-formed UTF-8 (no replacement would be needed). */
    public static boolean isValid(byte[] bytes) {
        int i = 0;
        while (i < bytes.length) {
            int len = sequenceLength(bytes, i, bytes.length);
            if (len <= 0) {
                return false;
            }
            i += len;
        }
        return true;
    }

    /**
     * Decodes {@code bytes[from, to)} into {@code out} and returns how many bytes were consumed.
     * With {@code endOfInput} false, a trailing sequence that is valid so far but incomplete is
     * left unconsumed (at most 3 bytes) so that the caller can retry with more bytes; the split
     * then happens where a decoder of the whole input would be between sequences, so decoding
     * in chunks gives exactly the whole-input result.
     */
    static int decode(byte[] bytes, int from, int to, StringBuilder out, boolean endOfInput) {
        int i = from;
        while (i < to) {
            int len = sequenceLength(bytes, i, to);
            if (len > 0) {
                appendCodePoint(bytes, i, len, out);
                i += len;
            } else if (len < 0 && i - len == to && !endOfInput) {
                return i - from; // incomplete tail: wait for the rest
            } else {
                out.append(REPLACEMENT);
                i += len == 0 ? 1 : -len;
            }
        }
        return i - from;
    }

    /**
     * At {@code i}: the length (1..4) of a complete valid sequence; 0 for a byte that cannot
     * start one; or minus the length of the maximal valid-but-incomplete prefix (-1..-3), which
     * ends at a wrong byte or at {@code to}.
     */
    private static int sequenceLength(byte[] b, int i, int to) {
        int lead = b[i] & 0xFF;
        if (lead < 0x80) {
            return 1;
        }
        int need;
        int lo = 0x80; // allowed range of the first continuation byte, which excludes
        int hi = 0xBF; // overlongs (E0, F0), surrogates (ED) and values above U+10FFFF (F4)
        if (lead >= 0xC2 && lead <= 0xDF) {
            need = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            need = 2;
            if (lead == 0xE0) {
                lo = 0xA0;
            } else if (lead == 0xED) {
                hi = 0x9F;
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            need = 3;
            if (lead == 0xF0) {
                lo = 0x90;
            } else if (lead == 0xF4) {
                hi = 0x8F;
            }
        } else {
            return 0;
        }
        for (int k = 1; k <= need; k++) {
            if (i + k >= to) {
                return -k;
            }
            int c = b[i + k] & 0xFF;
            if (c < lo || c > hi) {
                return -k;
            }
            lo = 0x80;
            hi = 0xBF;
        }
        return need + 1;
    }

    private static void appendCodePoint(byte[] b, int i, int len, StringBuilder out) {
        int lead = b[i] & 0xFF;
        int cp = switch (len) {
            case 1 -> lead;
            case 2 -> lead & 0x1F;
            case 3 -> lead & 0x0F;
            default -> lead & 0x07;
        };
        for (int k = 1; k < len; k++) {
            cp = (cp << 6) | (b[i + k] & 0x3F);
        }
        out.appendCodePoint(cp);
    }
}
