package io.glm4vee.engine.ops;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.device.WorkerPool;
import io.glm4vee.engine.tensor.DType;
import io.glm4vee.engine.tensor.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static io.glm4vee.engine.ops.TestTensors.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every op against a naive double-precision version written from its definition, on
 * deliberately strided, transposed and sliced inputs and in every stored weight dtype.
 */
class OpsConformanceTest {
    private static WorkerPool pool;

    @BeforeAll
    static void start() {
        pool = new WorkerPool("test", 3);
    }

    @AfterAll
    static void stop() {
        pool.close();
    }

    @ParameterizedTest(name = "linear M={0} K={1} N={2} {3} transposedX={4} sliceW={5}")
    @CsvSource({
        "1, 37, 11, BF16, false, false", "1, 64, 16, BF16, true, true", "1, 130, 9, F32, false, true",
        "1, 33, 7, F16, true, false", "5, 37, 11, BF16, true, false", "7, 70, 23, F32, true, true",
        "3, 48, 20, F16, false, true", "17, 16, 33, BF16, false, true"})
    void linearMatchesNaive(int m, int k, int n, DType dtype, boolean transposedX, boolean sliceW) {
        SplittableRandom rnd = new SplittableRandom(m * 1000L + k * 10L + n);
        Tensor x = transposedX
                ? Tensor.of(TestTensors.random(rnd, k * m), k, m).transpose(0, 1)          // (m, k), column-major
                : Tensor.of(TestTensors.random(rnd, m * k), m, k);
        int kFull = sliceW ? k + 9 : k;
        Tensor wFull = TestTensors.stored(TestTensors.random(rnd, n * kFull), dtype, n, kFull);
        Tensor w = sliceW ? wFull.narrow(1, 5, k) : wFull;                                   // a row-parallel slice
        Tensor b = Tensor.of(TestTensors.random(rnd, n), n);
        Tensor y = Tensor.zeros(m, n);
        Linear.forward(x, w, b, y, pool);
        float[] want = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = b.get(j);
                for (int c = 0; c < k; c++) {
                    s += (double) x.get(i, c) * w.get(j, c);
                }
                want[i * n + j] = (float) s;
            }
        }
        assertClose(want, y.array(), 1e-5, "linear");
        if (transposedX && m > 1) {
            assertFalse(x.isContiguous());
        }
    }

    @Test
    void linearRejectsWrongShapesNamingBoth() {
        Tensor x = Tensor.zeros(2, 8);
        Tensor w = Tensor.zeros(4, 7);
        EngineException e = assertThrows(EngineException.class, () -> Linear.forward(x, w, null, Tensor.zeros(2, 4), pool));
        assertEquals(ErrorCode.SHAPE_MISMATCH, e.code());
        assertTrue(e.getMessage().contains("expected dim 1 = 7") && e.getMessage().contains("[2, 8]"), e.getMessage());
        Tensor notPacked = Tensor.zeros(4, 2).transpose(0, 1);
        EngineException l = assertThrows(EngineException.class,
                () -> Linear.forward(Tensor.zeros(2, 7), Tensor.zeros(4, 7), null, notPacked, pool));
        assertEquals(ErrorCode.LAYOUT, l.code());
        Tensor wT = Tensor.zeros(7, 4).transpose(0, 1);                                       // rows not unit-stride
        assertEquals(ErrorCode.LAYOUT, assertThrows(EngineException.class,
                () -> Linear.forward(Tensor.zeros(2, 7), wT, null, Tensor.zeros(2, 4), pool)).code());
    }

    @Test
    void normsMatchNaiveOnTransposedInput() {
        SplittableRandom rnd = new SplittableRandom(1);
        Tensor x = Tensor.of(TestTensors.random(rnd, 24 * 3), 24, 3).transpose(0, 1);       // (3, 24) strided
        Tensor w = TestTensors.stored(TestTensors.random(rnd, 24), DType.BF16, 24);
        Tensor b = Tensor.of(TestTensors.random(rnd, 24), 24);
        Tensor y = Tensor.zeros(3, 24);
        Norms.rmsNorm(x, w, 1e-6, y);
        Tensor z = Tensor.zeros(3, 24);
        Norms.layerNorm(x, w, b, 1e-5, z);
        float[] wantR = new float[72];
        float[] wantL = new float[72];
        for (int r = 0; r < 3; r++) {
            double ss = 0;
            double mean = 0;
            for (int i = 0; i < 24; i++) {
                ss += x.get(r, i) * (double) x.get(r, i);
                mean += x.get(r, i);
            }
            mean /= 24;
            double var = 0;
            for (int i = 0; i < 24; i++) {
                var += (x.get(r, i) - mean) * (x.get(r, i) - mean);
            }
            var /= 24;
            for (int i = 0; i < 24; i++) {
                wantR[r * 24 + i] = (float) (w.get(i) * x.get(r, i) / Math.sqrt(ss / 24 + 1e-6));
                wantL[r * 24 + i] = (float) ((x.get(r, i) - mean) / Math.sqrt(var + 1e-5) * w.get(i) + b.get(i));
            }
        }
        assertClose(wantR, y.array(), 1e-5, "rmsNorm");
        assertClose(wantL, z.array(), 1e-5, "layerNorm");
    }

    @Test
    void ropeRotatesInterleavedPairsOfTheFirstHalfOnly() {
        SplittableRandom rnd = new SplittableRandom(2);
        int s = 3;
        int heads = 2;
        int hd = 8;
        // q as a column slice of a wider fused buffer: (s, heads, hd) with row stride 24
        Tensor fused = Tensor.of(TestTensors.random(rnd, s * 24), s, 24);
        Tensor before = Tensor.of(fused.toFloatArray(), s, 24);
        Tensor q = fused.narrow(1, 4, heads * hd).unflatten(1, heads, hd);
        int[] pos = {0, 5, 2};
        double base = 500;
        new Rope(hd / 2, base, 16).apply(q, pos);
        for (int t = 0; t < s; t++) {
            for (int h = 0; h < heads; h++) {
                for (int d = 0; d < hd; d++) {
                    int col = 4 + h * hd + d;
                    double want;
                    if (d >= hd / 2) {
                        want = before.get(t, col);
                    } else {
                        int i = d / 2;
                        double ang = pos[t] / Math.pow(base, 2.0 * i / (hd / 2));
                        double x0 = before.get(t, 4 + h * hd + 2 * i);
                        double x1 = before.get(t, 4 + h * hd + 2 * i + 1);
                        want = d % 2 == 0 ? x0 * Math.cos(ang) - x1 * Math.sin(ang) : x1 * Math.cos(ang) + x0 * Math.sin(ang);
                    }
                    assertEquals(want, fused.get(t, col), 1e-6, "t" + t + " h" + h + " d" + d);
                }
            }
            for (int col : new int[] {0, 3, 20, 23}) {
                assertEquals(before.get(t, col), fused.get(t, col), "outside the view must not change");
            }
        }
        assertEquals(ErrorCode.PROMPT_TOO_LONG, assertThrows(EngineException.class,
                () -> new Rope(4, 1e4, 4).apply(Tensor.zeros(1, 1, 8), new int[] {4})).code());
    }

    @ParameterizedTest(name = "attention causal={0} heads={1} groups={2} past={3}")
    @CsvSource({"false, 4, 4, 0", "false, 4, 2, 0", "true, 4, 2, 0", "true, 6, 2, 3", "true, 4, 1, 5"})
    void attentionMatchesNaiveOnStridedViews(boolean causal, int heads, int groups, int past) {
        SplittableRandom rnd = new SplittableRandom(heads * 31L + groups + past);
        int s = 4;
        int d = 8;
        int t = causal ? past + s : s;
        // q is a select() of a fused (s, 3, heads, d) view; k, v are (t, groups, d) selected from one buffer
        Tensor qFused = Tensor.of(TestTensors.random(rnd, s * 3 * heads * d), s, 3L * heads * d).unflatten(1, 3, heads, d);
        Tensor q = qFused.select(1, 1);
        Tensor kv = Tensor.of(TestTensors.random(rnd, t * 2 * groups * d), t, 2L * groups * d).unflatten(1, 2, groups, d);
        Tensor k = kv.select(1, 0);
        Tensor v = kv.select(1, 1);
        float scale = (float) (1 / Math.sqrt(d));
        Tensor out = Tensor.zeros(s, (long) heads * d);
        Attention.forward(q, k, v, causal ? past : 0, causal, scale, out, pool);
        float[] want = new float[s * heads * d];
        for (int h = 0; h < heads; h++) {
            int g = h / (heads / groups);
            for (int i = 0; i < s; i++) {
                int keys = causal ? past + i + 1 : t;
                double[] p = new double[keys];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < keys; j++) {
                    double sc = 0;
                    for (int c = 0; c < d; c++) {
                        sc += q.get(i, h, c) * (double) k.get(j, g, c);
                    }
                    p[j] = sc * scale;
                    max = Math.max(max, p[j]);
                }
                double sum = 0;
                for (int j = 0; j < keys; j++) {
                    p[j] = Math.exp(p[j] - max);
                    sum += p[j];
                }
                for (int c = 0; c < d; c++) {
                    double acc = 0;
                    for (int j = 0; j < keys; j++) {
                        acc += p[j] / sum * v.get(j, g, c);
                    }
                    want[(i * heads + h) * d + c] = (float) acc;
                }
            }
        }
        assertClose(want, out.array(), 1e-5, "attention");
    }

    @Test
    void im2colOnAPermutedViewEqualsAConvolution() {
        SplittableRandom rnd = new SplittableRandom(3);
        int g = 4;
        int c = 3;
        // tokens (g, g, c) viewed channels-first: the 2x2 adapter conv sees exactly this layout
        Tensor hwc = Tensor.of(TestTensors.random(rnd, g * g * c), g, g, c);
        Tensor chw = hwc.permute(2, 0, 1);
        Tensor cols = Im2col.patches(chw, 2);
        int out = 5;
        Tensor w = TestTensors.stored(TestTensors.random(rnd, out * c * 4), DType.BF16, out, c, 2, 2);
        Tensor y = Tensor.zeros(4, out);
        Linear.forward(cols, w.view(out, (long) c * 4), null, y, pool);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) {
                for (int o = 0; o < out; o++) {
                    double s = 0;
                    for (int ch = 0; ch < c; ch++) {
                        for (int di = 0; di < 2; di++) {
                            for (int dj = 0; dj < 2; dj++) {
                                s += w.get(o, ch, di, dj) * (double) hwc.get(2 * i + di, 2 * j + dj, ch);
                            }
                        }
                    }
                    assertEquals(s, y.get(i * 2 + j, o), 1e-5);
                }
            }
        }
    }

    @Test
    void activationsAndEmbedding() {
        // erf from Python's math.erf (an independent implementation)
        assertEquals(0.8427007929497149, Erf.erf(1.0), 1e-14);
        assertEquals(-0.9953222650189527, Erf.erf(-2.0), 1e-14);
        assertEquals(0.9999779095030014, Erf.erf(3.0), 1e-14);
        assertEquals(0.0, Erf.erf(0.0));
        Tensor x = Tensor.of(new float[] {-3f, -0.5f, 0f, 0.7f, 4f, 12f}, 2, 3);
        Tensor y = Tensor.zeros(2, 3);
        Activations.gelu(x.transpose(0, 1).transpose(0, 1), y);
        for (int i = 0; i < 6; i++) {
            double v = x.array()[i];
            assertEquals(0.5 * v * (1 + Erf.erf(v / Math.sqrt(2))), y.array()[i], 1e-6);
        }
        Tensor g = Tensor.of(new float[] {1f, -2f}, 1, 2);
        Tensor u = Tensor.of(new float[] {3f, 0.5f}, 1, 2);
        Tensor z = Tensor.zeros(1, 2);
        Activations.swiglu(g, u, z);
        assertEquals(1 / (1 + Math.exp(-1)) * 3, z.array()[0], 1e-6);
        assertEquals(-2 / (1 + Math.exp(2)) * 0.5, z.array()[1], 1e-6);

        Tensor table = TestTensors.stored(new float[] {1, 2, 3, 4, 5, 6}, DType.BF16, 3, 2);
        Tensor e = Tensor.zeros(2, 2);
        Embedding.lookup(table, 0, new int[] {2, 0}, 3, e);
        assertClose(new float[] {5, 6, 1, 2}, e.array(), 0, "embedding");
        EngineException bad = assertThrows(EngineException.class, () -> Embedding.lookup(table, 0, new int[] {3}, 3, e.narrow(0, 0, 1)));
        assertEquals(ErrorCode.BAD_REQUEST, bad.code());
        assertTrue(bad.getMessage().contains("token id 3"), bad.getMessage());
    }
}
