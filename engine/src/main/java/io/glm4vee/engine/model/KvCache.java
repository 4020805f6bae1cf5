package io.glm4vee.engine.model;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.tensor.Tensor;

/**
 * Per-sequence key/value cache of one rank: rotated keys and raw values for every layer,
 * (tokens, groups, head_dim) each. The capacity (a bound checked before anything is
 * allocated) is the most rows it may hold; storage starts small and doubles as rows arrive.
 */
public final class KvCache {
    private final int groups;
    private final int headDim;
    private final int capacity;
    private final float[][] keys;   // (layer) -> (allocated rows, groups, headDim)
    private final float[][] values; // (layer) -> (allocated rows, groups, headDim)
    private int allocated;          // rows the arrays hold now
    private int length;

    public KvCache(int layers, int groups, int headDim, int capacity) {
        long perLayer = (long) capacity * groups * headDim;
        if (capacity <= 0 || perLayer > Integer.MAX_VALUE - 16) {
            throw new EngineException(ErrorCode.PROMPT_TOO_LONG, "a KV cache of " + capacity
                    + " tokens x " + groups + " groups x " + headDim + " does not fit one array per layer");
        }
        this.groups = groups;
        this.headDim = headDim;
        this.capacity = capacity;
        this.keys = new float[layers][];
        this.values = new float[layers][];
        this.allocated = Math.min(capacity, 64);
        for (int l = 0; l < layers; l++) {
            keys[l] = new float[allocated * groups * headDim];
            values[l] = new float[allocated * groups * headDim];
        }
    }

    private void ensureRows(int rows) {
        if (rows <= allocated) {
            return;
        }
        int n = Math.min(capacity, Math.max(rows, allocated * 2));
        for (int l = 0; l < keys.length; l++) {
            keys[l] = java.util.Arrays.copyOf(keys[l], n * groups * headDim);
            values[l] = java.util.Arrays.copyOf(values[l], n * groups * headDim);
        }
        allocated = n;
    }

    /** Forgets every row from {@code rows} on (a rolled-back turn). */
    public void truncate(int rows) {
        if (rows < 0 || rows > length) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "cannot truncate a KV cache of " + length + " rows to " + rows);
        }
        length = rows;
    }

    /** Bytes the cache holds now. */
    public long allocatedBytes() {
        return 2L * keys.length * allocated * groups * headDim * Float.BYTES;
    }

    /** Bytes one cache of this shape takes: used to plan memory before allocating. */
    public static long bytesFor(int layers, int groups, int headDim, long tokens) {
        return 2L * layers * groups * headDim * tokens * Float.BYTES;
    }

    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    /** Appends k and v (S, groups, headDim) to layer l; the last layer's append advances the length. */
    public void append(int layer, Tensor k, Tensor v, boolean lastLayer) {
        int s = k.size(0);
        if (length + s > capacity) {
            throw new EngineException(ErrorCode.PROMPT_TOO_LONG,
                    "KV cache full: " + length + " + " + s + " tokens > capacity " + capacity);
        }
        ensureRows(length + s);
        copyRows(k, keys[layer], length);
        copyRows(v, values[layer], length);
        if (lastLayer) {
            length += s;
        }
    }

    private void copyRows(Tensor src, float[] dst, int at) {
        int s = src.size(0);
        int base = at * groups * headDim;
        float[] a = src.array();
        for (int t = 0; t < s; t++) {
            for (int g = 0; g < groups; g++) {
                int so = (int) (src.offset() + t * src.stride(0) + g * src.stride(1));
                System.arraycopy(a, so, dst, base + (t * groups + g) * headDim, headDim);
            }
        }
    }

    /** Keys of layer l for the first {@code tokens} positions, (tokens, groups, headDim). */
    public Tensor keys(int layer, int tokens) {
        return Tensor.of(keys[layer], allocated, groups, headDim).narrow(0, 0, tokens);
    }

    public Tensor values(int layer, int tokens) {
        return Tensor.of(values[layer], allocated, groups, headDim).narrow(0, 0, tokens);
    }

    public void reset() {
        length = 0;
    }
}
