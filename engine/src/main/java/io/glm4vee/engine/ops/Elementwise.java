package io.glm4vee.engine.ops;

import io.glm4vee.engine.tensor.Tensor;

/** Residual adds and scaling. */
public final class Elementwise {
    private Elementwise() {
    }

    /** y = a + b; a and b any layout, y contiguous f32 (y may be a). */
    public static void add(Tensor a, Tensor b, Tensor y) {
        Check.sameShape(a, b, "add");
        Check.sameShape(a, y, "add y");
        Check.heapF32Contiguous(y, "add y");
        float[] bv = b.toFloatArray();
        float[] av = a == y ? y.array() : a.toFloatArray();
        float[] out = y.array();
        for (int i = 0; i < bv.length; i++) {
            out[i] = av[i] + bv[i];
        }
    }

    /** x *= factor in place (x contiguous f32). */
    public static void scale(Tensor x, float factor) {
        Check.heapF32Contiguous(x, "scale x");
        float[] a = x.array();
        int n = (int) x.numel();
        for (int i = 0; i < n; i++) {
            a[i] *= factor;
        }
    }
}
