package io.glm4vee.engine.tokenizer;

import java.util.Arrays;

/**
 * A byte range usable as a HashMap key. Lookups during BPE wrap a slice of the piece's bytes
 * without copying; keys stored in the rank table own their array.
 */
final class ByteKey {
    private final byte[] bytes;
    private final int offset;
    private final int length;
    private final int hash;

    ByteKey(byte[] bytes, int offset, int length) {
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
        int h = 1;
        for (int i = offset, end = offset + length; i < end; i++) {
            h = 31 * h + bytes[i];
        }
        this.hash = h;
    }

    static ByteKey of(byte[] bytes) {
        return new ByteKey(bytes, 0, bytes.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteKey k && k.hash == hash
                && Arrays.equals(bytes, offset, offset + length, k.bytes, k.offset, k.offset + k.length);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
