package io.glm4vee.ascend.runtime;

import static io.glm4vee.ascend.runtime.Reference.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glm4vee.ascend.acl.Acl;
import io.glm4vee.ascend.acl.Aclnn;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each aclnn op through the bindings and the simulator against a plain Java computation, in F32 and BF16. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpsTest {
    private AscendRuntime runtime;
    private NpuCard card;

    @BeforeAll
    void open() {
        runtime = AscendRuntime.acquire();
        card = runtime.openCard(0, false);
    }

    @AfterAll
    void close() {
        card.close();
        runtime.close();
        SimTestSupport.assertNoLiveObjects();
    }

    // ---- helpers ----
    private NpuTensor tensor(DType t, float[] values, long... dims) {
        NpuTensor x = card.newTensor(t, dims);
        if (t == DType.F32) {
            x.upload(values);
        } else {
            x.upload(Reference.toBf16(values));
        }
        return x;
    }

    private static float[] read(NpuTensor t) {
        return t.dtype() == DType.F32 ? t.downloadFloats() : Reference.fromBf16(t.downloadShorts());
    }

    /** the inputs as the tensor holds them */
    private static float[] held(DType t, float[] v) {
        return t == DType.F32 ? v : Reference.roundBf16(v);
    }

    private static void check(DType t, float[] expected, NpuTensor out) {
        if (t == DType.F32) {
            assertClose(expected, read(out), 1e-5, 1e-5);
        } else {
            assertClose(expected, read(out), 8e-3, 1e-2);
        }
    }

    // ---- matmul ----
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "BF16"})
    void matmulWithTransposedWeightView(DType t) {
        int m = 3, k = 5, n = 4;
        float[] x = Reference.random(1, m * k), w = Reference.random(2, n * k); // w is (n, k) like a Linear weight
        try (NpuTensor xt = tensor(t, x, m, k); NpuTensor wt = tensor(t, w, n, k); NpuTensor wT = wt.transpose(0, 1);
                NpuTensor out = card.newTensor(t, m, n)) {
            Ops.matmul(xt, wT, out);
            float[] expected = Reference.matmul(held(t, x), Reference.transpose(held(t, w), n, k), m, k, n);
            check(t, expected, out);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "BF16"})
    void matmul3dAndBatchMatMul(DType t) {
        int b = 2, m = 3, k = 4, n = 5;
        float[] x = Reference.random(3, b * m * k), w = Reference.random(4, k * n), w3 = Reference.random(5, b * k * n);
        try (NpuTensor xt = tensor(t, x, b, m, k); NpuTensor wt = tensor(t, w, k, n); NpuTensor w3t = tensor(t, w3, b, k, n);
                NpuTensor out = card.newTensor(t, b, m, n); NpuTensor out3 = card.newTensor(t, b, m, n)) {
            Ops.matmul(xt, wt, out);
            Ops.batchMatMul(xt, w3t, out3);
            float[] e1 = new float[b * m * n], e3 = new float[b * m * n];
            float[] xh = held(t, x), wh = held(t, w), w3h = held(t, w3);
            for (int i = 0; i < b; i++) {
                float[] xi = java.util.Arrays.copyOfRange(xh, i * m * k, (i + 1) * m * k);
                System.arraycopy(Reference.matmul(xi, wh, m, k, n), 0, e1, i * m * n, m * n);
                float[] wi = java.util.Arrays.copyOfRange(w3h, i * k * n, (i + 1) * k * n);
                System.arraycopy(Reference.matmul(xi, wi, m, k, n), 0, e3, i * m * n, m * n);
            }
            check(t, e1, out);
            check(t, e3, out3);
        }
    }

    // ---- elementwise ----
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "BF16"})
    void addMulMulsBroadcast(DType t) {
        float[] a = Reference.random(6, 2 * 3 * 4), b = Reference.random(7, 4), c = Reference.random(8, 3), d = Reference.random(9, 4);
        try (NpuTensor at = tensor(t, a, 2, 3, 4); NpuTensor bt = tensor(t, b, 4); NpuTensor sum = card.newTensor(t, 2, 3, 4);
                NpuTensor prod = card.newTensor(t, 2, 3, 4); NpuTensor scaled = card.newTensor(t, 2, 3, 4);
                NpuTensor ct = tensor(t, c, 3, 1); NpuTensor dt = tensor(t, d, 1, 4); NpuTensor outer = card.newTensor(t, 3, 4)) {
            Ops.add(at, bt, 0.5, sum);
            Ops.mul(at, bt, prod);
            Ops.muls(at, -1.5, scaled);
            Ops.add(ct, dt, 1.0, outer);
            float[] ah = held(t, a), bh = held(t, b), ch = held(t, c), dh = held(t, d);
            float[] eSum = new float[24], eProd = new float[24], eScaled = new float[24], eOuter = new float[12];
            for (int i = 0; i < 24; i++) {
                eSum[i] = ah[i] + 0.5f * bh[i % 4];
                eProd[i] = ah[i] * bh[i % 4];
                eScaled[i] = ah[i] * -1.5f;
            }
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 4; j++) {
                    eOuter[i * 4 + j] = ch[i] + dh[j];
                }
            }
            check(t, eSum, sum);
            check(t, eProd, prod);
            check(t, eScaled, scaled);
            check(t, eOuter, outer);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "BF16"})
    void siluAndGelu(DType t) {
        float[] x = Reference.random(10, 16);
        try (NpuTensor xt = tensor(t, x, 4, 4); NpuTensor s = card.newTensor(t, 4, 4); NpuTensor ge = card.newTensor(t, 4, 4);
                NpuTensor gt = card.newTensor(t, 4, 4)) {
            Ops.silu(xt, s);
            Ops.gelu(xt, false, ge);
            Ops.gelu(xt, true, gt);
            float[] xh = held(t, x), es = new float[16], eg = new float[16], et = new float[16];
            for (int i = 0; i < 16; i++) {
                double v = xh[i];
                es[i] = (float) (v / (1 + Math.exp(-v)));
                eg[i] = (float) (0.5 * v * (1 + erf(v / Math.sqrt(2))));
                et[i] = (float) (0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
            }
            check(t, es, s);
            check(t, eg, ge);
            check(t, et, gt);
        }
    }

    /** Abramowitz-Stegun 7.1.26 is too coarse for 1e-5; a series/continued fraction is overkill: integrate. */
    private static double erf(double x) {
        // Simpson's rule on 2/sqrt(pi) * exp(-t^2) over [0, x]
        int n = 2000;
        double h = x / n, s = 1 + Math.exp(-x * x);
        for (int i = 1; i < n; i++) {
            double t = i * h;
            s += (i % 2 == 1 ? 4 : 2) * Math.exp(-t * t);
        }
        return 2 / Math.sqrt(Math.PI) * s * h / 3;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "BF16"})
    void softmaxLastAndFirstDim(DType t) {
        float[] x = Reference.random(11, 12);
        try (NpuTensor xt = tensor(t, x, 3, 4); NpuTensor last = card.newTensor(t, 3, 4); NpuTensor first = card.newTensor(t, 3, 4)) {
            Ops.softmax(xt, -1, last);
            Ops.softmax(xt, 0, first);
            float[] xh = held(t, x), eLast = new float[12], eFirst = new float[12];
            for (int i = 0; i < 3; i++) {
                double sum = 0;
                for (int j = 0; j < 4; j++) {
                    sum += Math.exp(xh[i * 4 + j]);
                }
                for (int j = 0; j < 4; j++) {
                    eLast[i * 4 + j] = (float) (Math.exp(xh[i * 4 + j]) / sum);
                }
            }
            for (int j = 0; j < 4; j++) {
                double sum = 0;
                for (int i = 0; i < 3; i++) {
                    sum += Math.exp(xh[i * 4 + j]);
                }
                for (int i = 0; i < 3; i++) {
                    eFirst[i * 4 + j] = (float) (Math.exp(xh[i * 4 + j]) / sum);
                }
            }
            check(t, eLast, last);
            check(t, eFirst, first);
        }
    }

    // ---- norms ----
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "BF16"})
    void rmsNorm(DType t) {
        int rows = 3, d = 8;
        float[] x = Reference.random(12, rows * d), g = Reference.random(13, d);
        try (NpuTensor xt = tensor(t, x, rows, d); NpuTensor gt = tensor(t, g, d); NpuTensor y = card.newTensor(t, rows, d);
                NpuTensor rstd = card.newTensor(DType.F32, rows, 1)) {
            Ops.rmsNorm(xt, gt, 1e-6, y, rstd);
            float[] xh = held(t, x), gh = held(t, g), ey = new float[rows * d], er = new float[rows];
            for (int r = 0; r < rows; r++) {
                double ss = 0;
                for (int j = 0; j < d; j++) {
                    ss += (double) xh[r * d + j] * xh[r * d + j];
                }
                double rs = 1 / Math.sqrt(ss / d + 1e-6);
                er[r] = (float) rs;
                for (int j = 0; j < d; j++) {
                    ey[r * d + j] = (float) (xh[r * d + j] * rs * gh[j]);
                }
            }
            check(t, ey, y);
            assertClose(er, rstd.downloadFloats(), 1e-5, 1e-6);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "BF16"})
    void layerNormWithAndWithoutAffine(DType t) {
        int rows = 3, d = 8;
        float[] x = Reference.random(14, rows * d), w = Reference.random(15, d), b = Reference.random(16, d);
        try (NpuTensor xt = tensor(t, x, rows, d); NpuTensor wt = tensor(t, w, d); NpuTensor bt = tensor(t, b, d);
                NpuTensor y = card.newTensor(t, rows, d); NpuTensor plain = card.newTensor(t, rows, d);
                NpuTensor mean = card.newTensor(DType.F32, rows, 1); NpuTensor rstd = card.newTensor(DType.F32, rows, 1)) {
            Ops.layerNorm(xt, 1, wt, bt, 1e-5, y, mean, rstd);
            Ops.layerNorm(xt, 1, null, null, 1e-5, plain, null, null);
            float[] xh = held(t, x), wh = held(t, w), bh = held(t, b);
            float[] ey = new float[rows * d], ep = new float[rows * d], em = new float[rows], er = new float[rows];
            for (int r = 0; r < rows; r++) {
                double mu = 0, var = 0;
                for (int j = 0; j < d; j++) {
                    mu += xh[r * d + j];
                }
                mu /= d;
                for (int j = 0; j < d; j++) {
                    var += (xh[r * d + j] - mu) * (xh[r * d + j] - mu);
                }
                double rs = 1 / Math.sqrt(var / d + 1e-5);
                em[r] = (float) mu;
                er[r] = (float) rs;
                for (int j = 0; j < d; j++) {
                    ep[r * d + j] = (float) ((xh[r * d + j] - mu) * rs);
                    ey[r * d + j] = (float) (ep[r * d + j] * wh[j] + bh[j]);
                }
            }
            check(t, ey, y);
            check(t, ep, plain);
            assertClose(em, mean.downloadFloats(), 1e-5, 1e-6);
            assertClose(er, rstd.downloadFloats(), 1e-5, 1e-6);
        }
    }

    // ---- embedding, cast, copy, rope ----
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "BF16"})
    void embeddingWithInt64AndInt32Indices(DType t) {
        int v = 10, h = 4;
        float[] w = Reference.random(17, v * h);
        long[] ids = {3, 0, 9, 3, 5, 1};
        try (NpuTensor wt = tensor(t, w, v, h); NpuTensor i64 = card.newTensor(DType.I64, 2, 3); NpuTensor i32 = card.newTensor(DType.I32, 6);
                NpuTensor out = card.newTensor(t, 2, 3, h); NpuTensor out32 = card.newTensor(t, 6, h)) {
            i64.upload(ids);
            i32.upload(new int[] {3, 0, 9, 3, 5, 1});
            Ops.embedding(wt, i64, out);
            Ops.embedding(wt, i32, out32);
            float[] wh = held(t, w), e = new float[6 * h];
            for (int r = 0; r < 6; r++) {
                System.arraycopy(wh, (int) ids[r] * h, e, r * h, h);
            }
            assertClose(e, read(out), 0, 0);
            assertClose(e, read(out32), 0, 0);
        }
    }

    @Test
    void castRoundsToNearestEven() {
        // 1 + 2^-8 is halfway between bf16 1.0 and 1.0078125: ties to even gives 1.0; 1 + 3*2^-8 rounds up to 1.015625
        float[] x = {1f + 0x1p-8f, 1f + 3 * 0x1p-8f, -2.5f, 65504f};
        try (NpuTensor xt = tensor(DType.F32, x, 4); NpuTensor b = card.newTensor(DType.BF16, 4); NpuTensor back = card.newTensor(DType.F32, 4)) {
            Ops.cast(xt, b);
            Ops.cast(b, back);
            assertClose(new float[] {1f, 1.015625f, -2.5f, 65536f}, back.downloadFloats(), 0, 0);
            assertEquals(Reference.bf16(x[0]), b.downloadShorts()[0]);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "BF16"})
    void copyMakesTransposedAndNarrowedViewsContiguous(DType t) {
        float[] x = Reference.random(18, 3 * 4);
        try (NpuTensor xt = tensor(t, x, 3, 4); NpuTensor xT = xt.transpose(0, 1); NpuTensor dense = card.newTensor(t, 4, 3);
                NpuTensor cols = xt.narrow(1, 1, 2); NpuTensor denseCols = card.newTensor(t, 3, 2)) {
            assertTrue(!xT.isContiguous() && !cols.isContiguous());
            Ops.copy(dense, xT);
            Ops.copy(denseCols, cols);
            float[] xh = held(t, x), eCols = new float[6];
            for (int i = 0; i < 3; i++) {
                eCols[i * 2] = xh[i * 4 + 1];
                eCols[i * 2 + 1] = xh[i * 4 + 2];
            }
            assertClose(Reference.transpose(xh, 3, 4), read(dense), 0, 0);
            assertClose(eCols, read(denseCols), 0, 0);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"F32", "BF16"})
    void rotaryPositionEmbeddingHalfAndInterleaved(DType t) {
        int s = 3, heads = 2, d = 8; // x (B=1, S, N, D), cos/sin (1, S, 1, D)
        float[] x = Reference.random(19, s * heads * d), cos = new float[s * d], sin = new float[s * d];
        for (int p = 0; p < s; p++) {
            for (int j = 0; j < d; j++) {
                double angle = p * Math.pow(10000, -2.0 * (j % (d / 2)) / d);
                cos[p * d + j] = (float) Math.cos(angle);
                sin[p * d + j] = (float) Math.sin(angle);
            }
        }
        try (NpuTensor xt = tensor(t, x, 1, s, heads, d); NpuTensor ct = tensor(t, cos, 1, s, 1, d); NpuTensor st = tensor(t, sin, 1, s, 1, d);
                NpuTensor half = card.newTensor(t, 1, s, heads, d); NpuTensor inter = card.newTensor(t, 1, s, heads, d)) {
            Ops.rotaryPositionEmbedding(xt, ct, st, 0, half);
            Ops.rotaryPositionEmbedding(xt, ct, st, 1, inter);
            float[] xh = held(t, x), ch = held(t, cos), sh = held(t, sin);
            float[] eHalf = new float[x.length], eInter = new float[x.length];
            for (int p = 0; p < s; p++) {
                for (int hd = 0; hd < heads; hd++) {
                    int base = (p * heads + hd) * d;
                    for (int j = 0; j < d; j++) {
                        double rot = j < d / 2 ? -xh[base + j + d / 2] : xh[base + j - d / 2];
                        eHalf[base + j] = (float) (xh[base + j] * ch[p * d + j] + rot * sh[p * d + j]);
                        double pair = j % 2 == 0 ? -xh[base + j + 1] : xh[base + j - 1];
                        eInter[base + j] = (float) (xh[base + j] * ch[p * d + j] + pair * sh[p * d + j]);
                    }
                }
            }
            check(t, eHalf, half);
            check(t, eInter, inter);
        }
    }

    // ---- argument validation (phase one fails, synchronously, with the aclnn codes) ----
    @Test
    void nullAndShapeErrorsFailInGetWorkspaceSize() {
        try (NpuTensor a = card.newTensor(DType.F32, 2, 3); NpuTensor b = card.newTensor(DType.F32, 4, 5);
                NpuTensor out = card.newTensor(DType.F32, 2, 5); LongPointer ws = new LongPointer(1);
                PointerPointer<Pointer> ex = new PointerPointer<>(1)) {
            card.makeCurrent();
            int rc = Aclnn.aclnnMatmulGetWorkspaceSize(a.handle(), null, out.handle(), (byte) 0, ws, ex);
            assertEquals(Acl.ACLNN_ERR_PARAM_NULLPTR, rc);
            String nullText = AclException.recentErrMsg();
            AclException e = assertThrows(AclException.class, () -> Ops.matmul(a, b, out));
            assertEquals(Acl.ACLNN_ERR_PARAM_INVALID, e.code());
            assertEquals("aclnnMatmulGetWorkspaceSize", e.call());
            assertTrue(e.getMessage().contains("F32[2, 3] strides [3, 1]"), e.getMessage());
            if (AscendRuntime.isSimulator()) { // the texts are the simulator's own
                assertTrue(nullText.contains("mat2 is nullptr"), nullText);
                assertTrue(e.nativeMessage().contains("k differs"), e.nativeMessage());
            }
        }
    }

    /** Real CANN wants rstd with x's rank (gamma's dims set to 1) and cos/sin in x's dtype; the simulator refuses the rest. */
    @Test
    void rmsNormRejectsRankOneRstdAndRopeRejectsTablesOfAnotherDtype() {
        try (NpuTensor x = card.newTensor(DType.F32, 3, 8); NpuTensor g = card.newTensor(DType.F32, 8);
                NpuTensor y = card.newTensor(DType.F32, 3, 8); NpuTensor rstd1 = card.newTensor(DType.F32, 3);
                NpuTensor rstdWrong = card.newTensor(DType.F32, 1, 3)) {
            for (NpuTensor bad : new NpuTensor[] {rstd1, rstdWrong}) {
                AclException e = assertThrows(AclException.class, () -> Ops.rmsNorm(x, g, 1e-6, y, bad));
                assertEquals(Acl.ACLNN_ERR_PARAM_INVALID, e.code());
                assertEquals("aclnnRmsNormGetWorkspaceSize", e.call());
                if (AscendRuntime.isSimulator()) {
                    assertTrue(e.nativeMessage().contains("rstdOut must have x's rank"), e.nativeMessage());
                }
            }
        }
        try (NpuTensor x = card.newTensor(DType.BF16, 1, 3, 2, 8); NpuTensor c32 = card.newTensor(DType.F32, 1, 3, 1, 8);
                NpuTensor s32 = card.newTensor(DType.F32, 1, 3, 1, 8); NpuTensor out = card.newTensor(DType.BF16, 1, 3, 2, 8)) {
            AclException e = assertThrows(AclException.class, () -> Ops.rotaryPositionEmbedding(x, c32, s32, 1, out));
            assertEquals(Acl.ACLNN_ERR_PARAM_INVALID, e.code());
            assertEquals("aclnnRotaryPositionEmbeddingGetWorkspaceSize", e.call());
            if (AscendRuntime.isSimulator()) {
                assertTrue(e.nativeMessage().contains("must have x's data type DT_BF16"), e.nativeMessage());
            }
        }
    }
}
