package io.glm4vee.engine.ops;

import io.glm4vee.engine.tensor.Tensor;

/** Element-wise activations. Inputs may have any layout; outputs are contiguous f32. */
public final class Activations {
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);

    private Activations() {
    }

    /** Exact (erf) GELU, as nn.GELU() and ACT2FN["gelu"]: 0.5·x·(1 + erf(x/√2)). */
    public static void gelu(Tensor x, Tensor y) {
        Check.sameShape(x, y, "gelu");
        Check.heapF32Contiguous(y, "gelu y");
        float[] in = x.toFloatArray();
        float[] out = y.array();
        for (int i = 0; i < in.length; i++) {
            out[i] = gelu(in[i]);
        }
    }

    public static float gelu(float x) {
        return (float) (0.5 * x * (1.0 + Erf.erf(x * INV_SQRT2)));
    }

    public static float silu(float x) {
        return (float) (x / (1.0 + Math.exp(-x)));
    }

    /** SwiGLU: y = silu(gate) ⊙ up; gate and up (M, F) any layout, y (M, F). */
    public static void swiglu(Tensor gate, Tensor up, Tensor y) {
        Check.sameShape(gate, up, "swiglu gate/up");
        Check.sameShape(gate, y, "swiglu y");
        Check.heapF32Contiguous(y, "swiglu y");
        float[] g = gate.toFloatArray();
        float[] u = up.toFloatArray();
        float[] out = y.array();
        for (int i = 0; i < g.length; i++) {
            out[i] = silu(g[i]) * u[i];
        }
    }
}
