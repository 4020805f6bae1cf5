package io.glm4vee.ascend.runtime;

import java.util.Random;

/** Plain Java reference maths and bf16 rounding for the op tests (written here, not taken from the simulator). */
final class Reference {
    private Reference() {
    }

    static float[] random(long seed, int n) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian());
        }
        return v;
    }

    /** bf16 bits of f, rounded to nearest even. */
    static short bf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((u >>> 16) | 0x40);
        }
        int lsb = (u >>> 16) & 1;
        return (short) ((u + 0x7fff + lsb) >>> 16);
    }

    static float fromBf16(short h) {
        return Float.intBitsToFloat((h & 0xffff) << 16);
    }

    static short[] toBf16(float[] v) {
        short[] out = new short[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = bf16(v[i]);
        }
        return out;
    }

    static float[] fromBf16(short[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = fromBf16(v[i]);
        }
        return out;
    }

    /** values as a bf16 tensor would hold them */
    static float[] roundBf16(float[] v) {
        return fromBf16(toBf16(v));
    }

    /** (m, k) @ (k, n), double accumulation */
    static float[] matmul(float[] a, float[] b, int m, int k, int n) {
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    acc += (double) a[i * k + p] * b[p * n + j];
                }
                c[i * n + j] = (float) acc;
            }
        }
        return c;
    }

    /** row-major (rows, cols) transposed to (cols, rows) */
    static float[] transpose(float[] a, int rows, int cols) {
        float[] t = new float[a.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = a[i * cols + j];
            }
        }
        return t;
    }

    static void assertClose(float[] expected, float[] actual, double rtol, double atol) {
        if (expected.length != actual.length) {
            throw new AssertionError("length " + actual.length + ", expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(expected[i] - actual[i]);
            if (!(diff <= atol + rtol * Math.abs(expected[i]))) {
                throw new AssertionError("element " + i + ": " + actual[i] + ", expected " + expected[i]
                        + " (rtol " + rtol + ", atol " + atol + ")");
            }
        }
    }
}
