package io.glm4vee.engine.ops;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.tensor.Tensor;

/**
 * Scaled dot-product attention with grouped KV heads. q (S, H, D), k and v (T, G, D), any
 * strides with packed head rows; query head h uses KV group h / (H / G) (HF expands each
 * group into H/G consecutive heads). Causal: query i, at absolute index past + i, sees keys
 * [0, past + i]. out (S, H·D) contiguous, heads in ascending order. Softmax in f32 with the
 * max subtracted.
 */
public final class Attention {
    private Attention() {
    }

    public static void forward(Tensor q, Tensor k, Tensor v, int past, boolean causal, float scale,
                               Tensor out, Parallel par) {
        Check.rank(q, 3, "attention q");
        Check.rank(k, 3, "attention k");
        Check.sameShape(k, v, "attention k/v");
        int s = q.size(0);
        int heads = q.size(1);
        int d = q.size(2);
        int t = k.size(0);
        int groups = k.size(1);
        Check.dim(k, 2, d, "attention k head dim");
        if (groups == 0 || heads % groups != 0) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH,
                    "attention: " + heads + " query heads cannot share " + groups + " KV groups");
        }
        if (causal && past + s != t) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH,
                    "causal attention: past " + past + " + queries " + s + " != keys " + t);
        }
        Check.shape(out, "attention out", s, (long) heads * d);
        Check.heapF32Contiguous(out, "attention out");
        Tensor qs = Check.packedRows(q);
        Tensor ks = Check.packedRows(k);
        Tensor vs = Check.packedRows(v);
        int perGroup = heads / groups;
        par.forRange(heads * s, (from, to) -> {
            float[] scores = new float[t];
            for (int job = from; job < to; job++) {
                int h = job / s;
                int i = job % s;
                one(qs, ks, vs, out.array(), h, h / perGroup, i, causal ? past + i + 1 : t, d, heads, scale, scores);
            }
        });
    }

    private static void one(Tensor q, Tensor k, Tensor v, float[] out, int h, int g, int i, int keys, int d,
                            int heads, float scale, float[] scores) {
        float[] qa = q.array();
        float[] ka = k.array();
        float[] va = v.array();
        int qo = (int) (q.offset() + i * q.stride(0) + h * q.stride(1));
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < keys; j++) {
            int ko = (int) (k.offset() + j * k.stride(0) + g * k.stride(1));
            float sc = Linear.dot(qa, qo, ka, ko, d) * scale;
            scores[j] = sc;
            max = Math.max(max, sc);
        }
        float sum = 0f;
        for (int j = 0; j < keys; j++) {
            float e = (float) Math.exp(scores[j] - max);
            scores[j] = e;
            sum += e;
        }
        float inv = 1f / sum;
        int oo = (i * heads + h) * d;
        java.util.Arrays.fill(out, oo, oo + d, 0f);
        for (int j = 0; j < keys; j++) {
            float p = scores[j] * inv;
            int vo = (int) (v.offset() + j * v.stride(0) + g * v.stride(1));
            for (int c = 0; c < d; c++) {
                out[oo + c] += p * va[vo + c];
            }
        }
    }
}
