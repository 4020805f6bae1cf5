package io.glm4vee.engine.ops;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.tensor.Tensor;

/**
 * GLM's "original" rotary embedding: only the first rotaryDim dims of each head rotate, as
 * interleaved pairs (x[2i], x[2i+1]) (GPT-J style, not half-split); the rest pass through.
 * θ_i = base^(-2i/rotaryDim); the table is built once per model for positions [0, maxPositions).
 */
public final class Rope {
    private final int rotaryDim;
    private final int maxPositions;
    private final float[] cos; // (maxPositions, rotaryDim / 2)
    private final float[] sin; // (maxPositions, rotaryDim / 2)

    public Rope(int rotaryDim, double base, int maxPositions) {
        if (rotaryDim <= 0 || rotaryDim % 2 != 0) {
            throw new EngineException(ErrorCode.BAD_CONFIG, "rotary dim must be even and positive, got " + rotaryDim);
        }
        this.rotaryDim = rotaryDim;
        this.maxPositions = maxPositions;
        int half = rotaryDim / 2;
        cos = new float[Math.multiplyExact(maxPositions, half)];
        sin = new float[cos.length];
        for (int p = 0; p < maxPositions; p++) {
            for (int i = 0; i < half; i++) {
                double theta = 1.0 / Math.pow(base, (2.0 * i) / rotaryDim);
                double ang = p * theta;
                cos[p * half + i] = (float) Math.cos(ang);
                sin[p * half + i] = (float) Math.sin(ang);
            }
        }
    }

    public int maxPositions() {
        return maxPositions;
    }

    /** Rotates x (S, heads, headDim) in place; x must be an f32 heap view with packed head rows. */
    public void apply(Tensor x, int[] positions) {
        Check.rank(x, 3, "rope x");
        int s = x.size(0);
        int heads = x.size(1);
        int hd = x.size(2);
        if (positions.length != s) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH,
                    "rope: expected " + s + " positions, got " + positions.length);
        }
        if (hd < rotaryDim) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH,
                    "rope: head dim " + hd + " smaller than rotary dim " + rotaryDim);
        }
        if (x.array() == null || x.stride(2) != 1) {
            throw new EngineException(ErrorCode.LAYOUT,
                    "rope rotates in place: expected an f32 heap tensor with unit stride in dim 2, got " + x.describe());
        }
        float[] a = x.array();
        int half = rotaryDim / 2;
        for (int t = 0; t < s; t++) {
            int p = positions[t];
            if (p < 0 || p >= maxPositions) {
                throw new EngineException(ErrorCode.PROMPT_TOO_LONG,
                        "position " + p + " is outside the model's seq_length " + maxPositions);
            }
            for (int h = 0; h < heads; h++) {
                int base = (int) (x.offset() + t * x.stride(0) + h * x.stride(1));
                for (int i = 0; i < half; i++) {
                    float c = cos[p * half + i];
                    float sn = sin[p * half + i];
                    float x0 = a[base + 2 * i];
                    float x1 = a[base + 2 * i + 1];
                    a[base + 2 * i] = x0 * c - x1 * sn;
                    a[base + 2 * i + 1] = x1 * c + x0 * sn;
                }
            }
        }
    }
}
