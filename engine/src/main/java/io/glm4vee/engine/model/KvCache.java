package io.glm4vee.engine.model;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.tensor.Tensor;

/**
 * Per-sequence key/value cache of one rank: rotated keys and raw values for every layer,
 * (tokens, groups, head_dim) each. Capacity is fixed at creation, checked before allocating.
 */
public final class KvCache {
    private final int groups;
    private final int headDim;
    private final int capacity;
    private final float[][] keys;   // (layer) -> (capacity, groups, headDim)
    private final float[][] values; // (layer) -> (capacity, groups, headDim)
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
        for (int l = 0; l < layers; l++) {
            keys[l] = new float[(int) perLayer];
            values[l] = new float[(int) perLayer];
        }
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
        return Tensor.of(keys[layer], capacity, groups, headDim).narrow(0, 0, tokens);
    }

    public Tensor values(int layer, int tokens) {
        return Tensor.of(values[layer], capacity, groups, headDim).narrow(0, 0, tokens);
    }

    public void reset() {
        length = 0;
    }
}
