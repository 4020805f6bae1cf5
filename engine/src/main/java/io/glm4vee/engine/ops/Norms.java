package io.glm4vee.engine.ops;

import io.glm4vee.engine.tensor.Tensor;

/** RMSNorm (GLM-4 text) and LayerNorm (EVA2-CLIP vision, GLU adapter). Rows are normalised over the last dim. */
public final class Norms {
    private Norms() {
    }

    /** y = w ⊙ x / sqrt(mean(x²) + eps); x (M, H) any layout, w (H), y (M, H) contiguous f32. */
    public static void rmsNorm(Tensor x, Tensor w, double eps, Tensor y) {
        Check.rank(x, 2, "rmsNorm x");
        int m = x.size(0);
        int h = x.size(1);
        Check.shape(w, "rmsNorm weight", h);
        Check.shape(y, "rmsNorm y", m, h);
        Check.heapF32Contiguous(y, "rmsNorm y");
        Tensor xs = Check.packedRows(x);
        float[] xa = xs.array();
        float[] wa = w.toFloatArray();
        float[] ya = y.array();
        for (int r = 0; r < m; r++) {
            int xo = (int) (xs.offset() + r * xs.stride(0));
            int yo = r * h;
            double ss = 0;
            for (int i = 0; i < h; i++) {
                ss += (double) xa[xo + i] * xa[xo + i];
            }
            float inv = (float) (1.0 / Math.sqrt(ss / h + eps));
            for (int i = 0; i < h; i++) {
                ya[yo + i] = wa[i] * (xa[xo + i] * inv);
            }
        }
    }

    /** y = (x - mean) / sqrt(var + eps) ⊙ w + b over the last dim; x (M, H), w and b (H). */
    public static void layerNorm(Tensor x, Tensor w, Tensor b, double eps, Tensor y) {
        Check.rank(x, 2, "layerNorm x");
        int m = x.size(0);
        int h = x.size(1);
        Check.shape(w, "layerNorm weight", h);
        Check.shape(b, "layerNorm bias", h);
        Check.shape(y, "layerNorm y", m, h);
        Check.heapF32Contiguous(y, "layerNorm y");
        Tensor xs = Check.packedRows(x);
        float[] xa = xs.array();
        float[] wa = w.toFloatArray();
        float[] ba = b.toFloatArray();
        float[] ya = y.array();
        for (int r = 0; r < m; r++) {
            int xo = (int) (xs.offset() + r * xs.stride(0));
            int yo = r * h;
            double sum = 0;
            for (int i = 0; i < h; i++) {
                sum += xa[xo + i];
            }
            double mean = sum / h;
            double var = 0;
            for (int i = 0; i < h; i++) {
                double d = xa[xo + i] - mean;
                var += d * d;
            }
            double inv = 1.0 / Math.sqrt(var / h + eps);
            for (int i = 0; i < h; i++) {
                ya[yo + i] = (float) ((xa[xo + i] - mean) * inv) * wa[i] + ba[i];
            }
        }
    }
}
