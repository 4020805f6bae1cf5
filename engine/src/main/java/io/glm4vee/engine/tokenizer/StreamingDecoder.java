package io.glm4vee.engine.tokenizer;

import java.util.Arrays;

/**
 * Turns generated ids into text as they arrive. A character's UTF-8 bytes are often split over
 * several tokens (Chinese, emoji), so an incomplete trailing sequence is held back until the
 * next id completes it or shows it invalid. The pieces returned by {@link #accept} followed by
 * {@link #flush} concatenate to {@link GlmTokenizer#decode} of all ids. One per sequence.
 */
public final class StreamingDecoder {
    private final GlmTokenizer tokenizer;
    private byte[] pending = new byte[0]; // at most 3 bytes of an unfinished UTF-8 sequence

    StreamingDecoder(GlmTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Adds one id; returns the text it completed, possibly empty. */
    public String accept(int id) {
        byte[] token = tokenizer.bytesOf(id);
        if (token.length == 0) {
            return "";
        }
        byte[] buf = Arrays.copyOf(pending, pending.length + token.length);
        System.arraycopy(token, 0, buf, pending.length, token.length);
        StringBuilder out = new StringBuilder(buf.length);
        int used = Utf8.decode(buf, 0, buf.length, out, false);
        pending = Arrays.copyOfRange(buf, used, buf.length);
        return out.toString();
    }

    /** True when bytes are held back waiting for the rest of a character. */
    public boolean hasPending() {
        return pending.length > 0;
    }

    /** Ends the sequence: a held-back incomplete character becomes U+FFFD. */
    public String flush() {
        String rest = Utf8.decodeReplace(pending);
        pending = new byte[0];
        return rest;
    }
}
