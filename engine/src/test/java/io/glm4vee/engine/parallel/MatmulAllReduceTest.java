package io.glm4vee.engine.parallel;

import io.glm4vee.engine.device.DeviceGroup;
import io.glm4vee.engine.device.DeviceOptions;
import io.glm4vee.engine.ops.Linear;
import io.glm4vee.engine.ops.Parallel;
import io.glm4vee.engine.tensor.DType;
import io.glm4vee.engine.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused row-parallel primitive fed exactly the inputs that broke multi-card GLM-4V on
 * Ascend: transposed, narrowed and permuted activation views. Each must give the one-card
 * result, and each must have been made contiguous (and counted) before the fused op.
 */
class MatmulAllReduceTest {

    enum Layout { CONTIGUOUS, TRANSPOSED, NARROWED, PERMUTED }

    @ParameterizedTest(name = "tp={0} {1}")
    @CsvSource({"1, CONTIGUOUS", "2, CONTIGUOUS", "2, TRANSPOSED", "2, NARROWED", "2, PERMUTED",
        "4, TRANSPOSED", "4, NARROWED", "4, PERMUTED"})
    void nonContiguousInputsGiveTheOneCardResult(int tp, Layout layout) {
        int tokens = 5;
        int k = 48;
        int n = 24;
        SplittableRandom rnd = new SplittableRandom(7 + tp);
        float[] xv = new float[tokens * k];
        for (int i = 0; i < xv.length; i++) {
            xv[i] = (float) rnd.nextGaussian();
        }
        Tensor x = Tensor.of(xv, tokens, k);                              // the logical activation (tokens, K)
        Tensor w = bf16(rnd, n, k);                                       // (out, K) weight
        Tensor bias = Tensor.of(new float[n], n);
        for (int i = 0; i < n; i++) {
            bias.set((float) rnd.nextGaussian(), i);
        }
        // one card: plain y = x·Wᵀ + b
        Tensor want = Tensor.zeros(tokens, n);
        Linear.forward(x, w, bias, want, Parallel.SERIAL);

        int kr = k / tp;
        try (DeviceGroup group = DeviceOptions.cpu(tp, 1).openGroup()) {
            Tensor[] xs = new Tensor[tp];
            Tensor[] ws = new Tensor[tp];
            Tensor[] ys = new Tensor[tp];
            for (int r = 0; r < tp; r++) {
                xs[r] = view(x.narrow(1, (long) r * kr, kr), layout);
                ws[r] = w.narrow(1, (long) r * kr, kr);                   // row-parallel slice of the input dim
                ys[r] = Tensor.zeros(tokens, n);
            }
            MatmulAllReduce.launch(group, "test", 0, "dense", xs, ws, bias, ys);
            group.synchronize("test");
            for (int r = 0; r < tp; r++) {
                float[] got = ys[r].array();
                for (int i = 0; i < got.length; i++) {
                    assertEquals(want.array()[i], got[i], 1e-4f * Math.max(1f, Math.abs(want.array()[i])), "rank " + r + " element " + i);
                }
                assertEquals(java.util.Arrays.toString(ys[0].array()), java.util.Arrays.toString(got), "ranks must agree bit for bit");
            }
            long expectedCopies = layout == Layout.CONTIGUOUS ? 0 : tp;
            assertEquals(expectedCopies, group.layout().contiguousCopies(), "copies made before the fused op");
            if (expectedCopies > 0) {
                assertTrue(group.layout().lastCopy().contains("strides"), group.layout().lastCopy());
            }
        }
    }

    /** The same values as x (tokens, K_r) but laid out as the given non-contiguous view. */
    private static Tensor view(Tensor slice, Layout layout) {
        int t = slice.size(0);
        int kr = slice.size(1);
        return switch (layout) {
            case CONTIGUOUS -> Tensor.of(slice.toFloatArray(), t, kr);
            case NARROWED -> slice;                                        // a column slice of the full activation
            case TRANSPOSED -> {                                           // stored (K_r, tokens), viewed transposed
                Tensor st = Tensor.zeros(kr, t);
                for (int i = 0; i < t; i++) {
                    for (int j = 0; j < kr; j++) {
                        st.set(slice.get(i, j), j, i);
                    }
                }
                yield st.transpose(0, 1);
            }
            case PERMUTED -> {                                             // stored (heads, tokens, hd), permuted back
                int heads = 2;
                int hd = kr / heads;
                Tensor st = Tensor.zeros(heads, t, hd);
                for (int i = 0; i < t; i++) {
                    for (int h = 0; h < heads; h++) {
                        for (int d = 0; d < hd; d++) {
                            st.set(slice.get(i, h * hd + d), h, i, d);
                        }
                    }
                }
                Tensor p = st.permute(1, 0, 2);                            // (tokens, heads, hd), not contiguous
                assertTrue(!p.isContiguous());
                yield p;
            }
        };
    }

    private static Tensor bf16(SplittableRandom rnd, int rows, int cols) {
        MemorySegment seg = Arena.ofAuto().allocate((long) rows * cols * 2);
        ValueLayout.OfShort le = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < (long) rows * cols; i++) {
            seg.setAtIndex(le, i, DType.floatToBf16((float) rnd.nextGaussian()));
        }
        return Tensor.wrap(seg, DType.BF16, rows, cols);
    }
}
