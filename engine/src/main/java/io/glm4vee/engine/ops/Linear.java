package io.glm4vee.engine.ops;

import io.glm4vee.engine.tensor.DType;
import io.glm4vee.engine.tensor.Tensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * y = x·Wᵀ + b, the one matrix kernel of the engine.
 *
 * <p>Contract: x (M, K) any layout (copied to row-major when its rows are not packed), W (N, K)
 * in its stored dtype with packed rows (any row stride, so a column slice of a bigger weight
 * is used in place), b (N) or null, y (M, N) contiguous F32 on the heap. Accumulation is F32.
 *
 * <p>Decode (M = 1) streams the weights once and widens bf16 on the fly (no f32 copy of a 9B
 * model); prefill (M > 1) widens a tile of rows once into a scratch buffer and reuses it for
 * every token.
 */
public final class Linear {
    static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    static final int L = FS.length();
    static final VectorSpecies<Short> SS = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, FS.vectorShape());
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    /** Rows widened together in the prefill path; 4 is also the register block of the dot kernels. */
    private static final int TILE = 16;

    private Linear() {
    }

    public static void forward(Tensor x, Tensor w, Tensor bias, Tensor y, Parallel par) {
        Check.rank(x, 2, "linear x");
        Check.rank(w, 2, "linear W");
        long k = w.dim(1);
        int n = Math.toIntExact(w.dim(0));
        Check.dim(x, 1, k, "linear x (M, K) against W (N, K)");
        int m = x.size(0);
        Check.shape(y, "linear y", m, n);
        Check.heapF32Packed(y, "linear y");
        if (bias != null) {
            Check.shape(bias, "linear bias", n);
        }
        Check.rowsPacked(w, "linear W");
        Tensor xs = x.dtype() == DType.F32 && x.array() != null && x.isRowMajorFrom(1) ? x : x.copyToF32();
        float[] b = bias == null ? null : bias.toFloatArray();
        int kk = Math.toIntExact(k);
        if (m == 1 && w.dtype() != DType.F16) {
            par.forRange(blocks(n), (from, to) -> decodeRows(xs, w, b, y, kk, from * 4, Math.min(n, to * 4)));
        } else {
            par.forRange(blocks(n), (from, to) -> tiledRows(xs, w, b, y, m, kk, from * 4, Math.min(n, to * 4)));
        }
    }

    private static int blocks(int n) {
        return (n + 3) / 4;
    }

    // ------------------------------------------------------------------ decode: one token

    private static void decodeRows(Tensor x, Tensor w, float[] b, Tensor y, int k, int n0, int n1) {
        if (w.dtype() == DType.BF16) {
            decodeRowsBf16(x, w, b, y, k, n0, n1);
            return;
        }
        float[] xa = x.array();
        int xo = (int) x.offset();
        float[] ya = y.array();
        int yo = (int) y.offset();
        MemorySegment seg = w.storage();
        long rowStride = w.stride(0);
        int es = w.dtype().byteSize();
        int r = n0;
        for (; r + 4 <= n1; r += 4) {
            long base = (w.offset() + r * rowStride) * es;
            long step = rowStride * es;
            dot4F32(xa, xo, seg, base, step, k, ya, yo + r);
        }
        for (; r < n1; r++) {
            float s = 0f;
            for (int i = 0; i < k; i++) {
                s += xa[xo + i] * w.readAt(w.offset() + r * rowStride + i);
            }
            ya[yo + r] = s;
        }
        if (b != null) {
            for (int i = n0; i < n1; i++) {
                ya[yo + i] += b[i];
            }
        }
    }

    /**
     * bf16 decode: each 32-bit lane of the weight row holds two bf16 values, element 2j in its
     * low half and 2j+1 in its high half. Shifting left by 16 gives the even element as f32,
     * masking the low half gives the odd one, so no cross-lane conversion is needed; x is
     * split once into its even and odd elements to match.
     */
    private static void decodeRowsBf16(Tensor x, Tensor w, float[] b, Tensor y, int k, int n0, int n1) {
        float[] xa = x.array();
        int xo = (int) x.offset();
        int pairs = k / 2;
        float[] xe = new float[pairs];
        float[] xd = new float[pairs];
        for (int j = 0; j < pairs; j++) {
            xe[j] = xa[xo + 2 * j];
            xd[j] = xa[xo + 2 * j + 1];
        }
        float[] ya = y.array();
        int yo = (int) y.offset();
        MemorySegment seg = w.storage();
        long step = w.stride(0) * 2;
        int r = n0;
        for (; r + 4 <= n1; r += 4) {
            long base = (w.offset() + r * w.stride(0)) * 2;
            dot4Bf16Pairs(xe, xd, seg, base, step, pairs, ya, yo + r);
        }
        for (; r < n1; r++) {
            long base = (w.offset() + r * w.stride(0)) * 2;
            FloatVector ae = FloatVector.zero(FS);
            FloatVector ad = ae;
            int upper = FS.loopBound(pairs);
            int j = 0;
            for (; j < upper; j += L) {
                IntVector v = IntVector.fromMemorySegment(IS, seg, base + 4L * j, LE);
                ae = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(FS, xe, j), ae);
                ad = v.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats().fma(FloatVector.fromArray(FS, xd, j), ad);
            }
            float sum = sumLanes(ae.add(ad));
            for (; j < pairs; j++) {
                sum += xe[j] * DType.bf16ToFloat(seg.get(I16, base + 4L * j))
                        + xd[j] * DType.bf16ToFloat(seg.get(I16, base + 4L * j + 2));
            }
            ya[yo + r] = sum;
        }
        if ((k & 1) != 0) {                     // odd K: the last column alone
            for (int i = n0; i < n1; i++) {
                ya[yo + i] += xa[xo + k - 1] * w.readAt(w.offset() + i * w.stride(0) + k - 1);
            }
        }
        if (b != null) {
            for (int i = n0; i < n1; i++) {
                ya[yo + i] += b[i];
            }
        }
    }

    private static void dot4Bf16Pairs(float[] xe, float[] xd, MemorySegment seg, long base, long step, int pairs,
                                      float[] out, int oo) {
        FloatVector e0 = FloatVector.zero(FS), e1 = e0, e2 = e0, e3 = e0;
        FloatVector d0 = e0, d1 = e0, d2 = e0, d3 = e0;
        int upper = FS.loopBound(pairs);
        int j = 0;
        for (; j < upper; j += L) {
            FloatVector xev = FloatVector.fromArray(FS, xe, j);
            FloatVector xdv = FloatVector.fromArray(FS, xd, j);
            long o = base + 4L * j;
            IntVector v0 = IntVector.fromMemorySegment(IS, seg, o, LE);
            IntVector v1 = IntVector.fromMemorySegment(IS, seg, o + step, LE);
            IntVector v2 = IntVector.fromMemorySegment(IS, seg, o + 2 * step, LE);
            IntVector v3 = IntVector.fromMemorySegment(IS, seg, o + 3 * step, LE);
            e0 = v0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xev, e0);
            d0 = v0.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats().fma(xdv, d0);
            e1 = v1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xev, e1);
            d1 = v1.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats().fma(xdv, d1);
            e2 = v2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xev, e2);
            d2 = v2.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats().fma(xdv, d2);
            e3 = v3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xev, e3);
            d3 = v3.lanewise(VectorOperators.AND, 0xFFFF0000).reinterpretAsFloats().fma(xdv, d3);
        }
        float s0 = sumLanes(e0.add(d0));
        float s1 = sumLanes(e1.add(d1));
        float s2 = sumLanes(e2.add(d2));
        float s3 = sumLanes(e3.add(d3));
        for (; j < pairs; j++) {
            long o = base + 4L * j;
            s0 += xe[j] * DType.bf16ToFloat(seg.get(I16, o)) + xd[j] * DType.bf16ToFloat(seg.get(I16, o + 2));
            s1 += xe[j] * DType.bf16ToFloat(seg.get(I16, o + step)) + xd[j] * DType.bf16ToFloat(seg.get(I16, o + step + 2));
            s2 += xe[j] * DType.bf16ToFloat(seg.get(I16, o + 2 * step))
                    + xd[j] * DType.bf16ToFloat(seg.get(I16, o + 2 * step + 2));
            s3 += xe[j] * DType.bf16ToFloat(seg.get(I16, o + 3 * step))
                    + xd[j] * DType.bf16ToFloat(seg.get(I16, o + 3 * step + 2));
        }
        store4(out, oo, s0, s1, s2, s3);
    }

    static FloatVector widenBf16(MemorySegment seg, long byteOffset) {
        ShortVector s = ShortVector.fromMemorySegment(SS, seg, byteOffset, LE);
        return ((IntVector) s.convertShape(VectorOperators.S2I, IS, 0))
                .lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    private static void dot4F32(float[] xa, int xo, MemorySegment seg, long base, long step, int k,
                                 float[] out, int oo) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
        int upper = FS.loopBound(k);
        int i = 0;
        for (; i < upper; i += L) {
            FloatVector xv = FloatVector.fromArray(FS, xa, xo + i);
            long o = base + 4L * i;
            a0 = FloatVector.fromMemorySegment(FS, seg, o, LE).fma(xv, a0);
            a1 = FloatVector.fromMemorySegment(FS, seg, o + step, LE).fma(xv, a1);
            a2 = FloatVector.fromMemorySegment(FS, seg, o + 2 * step, LE).fma(xv, a2);
            a3 = FloatVector.fromMemorySegment(FS, seg, o + 3 * step, LE).fma(xv, a3);
        }
        float d0 = sumLanes(a0), d1 = sumLanes(a1);
        float d2 = sumLanes(a2), d3 = sumLanes(a3);
        for (; i < k; i++) {
            float xv = xa[xo + i];
            long o = base + 4L * i;
            d0 += xv * seg.get(F32, o);
            d1 += xv * seg.get(F32, o + step);
            d2 += xv * seg.get(F32, o + 2 * step);
            d3 += xv * seg.get(F32, o + 3 * step);
        }
        store4(out, oo, d0, d1, d2, d3);
    }

    private static void store4(float[] out, int oo, float d0, float d1, float d2, float d3) {
        out[oo] = d0;
        out[oo + 1] = d1;
        out[oo + 2] = d2;
        out[oo + 3] = d3;
    }

    // ------------------------------------------------------------------ prefill: many tokens

    private static void tiledRows(Tensor x, Tensor w, float[] b, Tensor y, int m, int k, int n0, int n1) {
        float[] xa = x.array();
        int xo = (int) x.offset();
        int xs = (int) x.stride(0);
        float[] ya = y.array();
        int yo = (int) y.offset();
        int n = y.size(1);
        float[] tile = new float[TILE * k];
        for (int t0 = n0; t0 < n1; t0 += TILE) {
            int rows = Math.min(TILE, n1 - t0);
            widenRows(w, t0, rows, k, tile);
            for (int tok = 0; tok < m; tok++) {
                int xrow = xo + tok * xs;
                int yrow = yo + tok * n;
                int r = 0;
                for (; r + 4 <= rows; r += 4) {
                    dot4Tile(xa, xrow, tile, r * k, k, ya, yrow + t0 + r);
                }
                for (; r < rows; r++) {
                    ya[yrow + t0 + r] = dot(xa, xrow, tile, r * k, k);
                }
                if (b != null) {
                    for (int i = 0; i < rows; i++) {
                        ya[yrow + t0 + i] += b[t0 + i];
                    }
                }
            }
        }
    }

    /** Widens rows [r0, r0 + rows) of W to F32 into tile (rows x k, packed). */
    static void widenRows(Tensor w, int r0, int rows, int k, float[] tile) {
        MemorySegment seg = w.storage();
        long rs = w.stride(0);
        int upper = FS.loopBound(k);
        for (int r = 0; r < rows; r++) {
            long e0 = w.offset() + (r0 + r) * rs;
            int dst = r * k;
            switch (w.dtype()) {
                case BF16 -> {
                    int i = 0;
                    for (; i < upper; i += L) {
                        widenBf16(seg, (e0 + i) * 2).intoArray(tile, dst + i);
                    }
                    for (; i < k; i++) {
                        tile[dst + i] = w.readAt(e0 + i);
                    }
                }
                case F32 -> {
                    if (w.array() != null) {
                        System.arraycopy(w.array(), (int) e0, tile, dst, k);
                    } else {
                        MemorySegment.copy(seg, F32, e0 * 4, tile, dst, k);
                    }
                }
                case F16 -> {
                    for (int i = 0; i < k; i++) {
                        tile[dst + i] = w.readAt(e0 + i);
                    }
                }
            }
        }
    }

    private static void dot4Tile(float[] xa, int xo, float[] t, int to, int k, float[] out, int oo) {
        FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
        int upper = FS.loopBound(k);
        int i = 0;
        for (; i < upper; i += L) {
            FloatVector xv = FloatVector.fromArray(FS, xa, xo + i);
            a0 = FloatVector.fromArray(FS, t, to + i).fma(xv, a0);
            a1 = FloatVector.fromArray(FS, t, to + k + i).fma(xv, a1);
            a2 = FloatVector.fromArray(FS, t, to + 2 * k + i).fma(xv, a2);
            a3 = FloatVector.fromArray(FS, t, to + 3 * k + i).fma(xv, a3);
        }
        float s0 = sumLanes(a0), s1 = sumLanes(a1);
        float s2 = sumLanes(a2), s3 = sumLanes(a3);
        for (; i < k; i++) {
            float xv = xa[xo + i];
            s0 += xv * t[to + i];
            s1 += xv * t[to + k + i];
            s2 += xv * t[to + 2 * k + i];
            s3 += xv * t[to + 3 * k + i];
        }
        out[oo] = s0;
        out[oo + 1] = s1;
        out[oo + 2] = s2;
        out[oo + 3] = s3;
    }

    /**
     * Sum of the lanes in lane order. FloatVector.reduceLanes(ADD) may add in another order
     * once the JIT intrinsifies it, so the same input could give different bits before and
     * after warm-up; this order never changes, which keeps runs (and execution modes) bit-identical.
     */
    static float sumLanes(FloatVector v) {
        // fixed pairwise tree: lane i += lane i + half, halving each step (element-wise adds only)
        for (VectorShuffle<Float> fold : FOLDS) {
            v = v.add(v.rearrange(fold));
        }
        return v.lane(0);
    }

    /** For each halving step, the shuffle that brings lane i + half to lane i. */
    @SuppressWarnings("unchecked")
    private static final VectorShuffle<Float>[] FOLDS = folds();

    @SuppressWarnings("unchecked")
    private static VectorShuffle<Float>[] folds() {
        int steps = Integer.numberOfTrailingZeros(L);
        VectorShuffle<Float>[] f = new VectorShuffle[steps];
        for (int s = 0, half = L / 2; s < steps; s++, half /= 2) {
            int h = half;
            f[s] = VectorShuffle.fromOp(FS, i -> (i + h) % L);
        }
        return f;
    }

    /** Vectorised dot product of a[ao..ao+k) and b[bo..bo+k). */
    public static float dot(float[] a, int ao, float[] b, int bo, int k) {
        FloatVector acc = FloatVector.zero(FS);
        int upper = FS.loopBound(k);
        int i = 0;
        for (; i < upper; i += L) {
            acc = FloatVector.fromArray(FS, a, ao + i).fma(FloatVector.fromArray(FS, b, bo + i), acc);
        }
        float s = sumLanes(acc);
        for (; i < k; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }
}
