package io.glm4vee.engine.parallel;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.device.DeviceGroup;
import io.glm4vee.engine.ops.Check;
import io.glm4vee.engine.ops.Linear;
import io.glm4vee.engine.tensor.DType;
import io.glm4vee.engine.tensor.Tensor;

import java.util.Arrays;

/**
 * The row-parallel linear layer as one fused primitive: Y = Σ_r X_r·A_rᵀ (+ b on rank 0), the
 * matmul on each card followed by an all-reduce (Ascend's aclnnMatmulAllReduce). Its layout
 * contract is enforced here, once, for every caller:
 * <ul>
 *   <li>X_r is a contiguous row-major f32 (tokens, K/N) buffer whose columns are in the order
 *       of the weight slice A_r. A non-contiguous view (transposed, narrowed, permuted) is
 *       copied to a contiguous buffer first and the copy is counted; it never reaches the
 *       fused op. This is the rule whose absence made multi-card GLM-4V die with
 *       "MatmulAllReduce has 1 uncontiguous input" (ERR01005).</li>
 *   <li>Y_r is a contiguous (tokens, out) buffer, fully overwritten.</li>
 *   <li>The bias is added by rank 0 only, so it is counted once after the reduce.</li>
 * </ul>
 */
public final class MatmulAllReduce {
    public static final String OP = "matmul_allreduce";

    private MatmulAllReduce() {
    }

    /**
     * @param x    per rank (tokens, K_r), any layout; or (tokens, heads, head_dim) whose last two
     *             dims flatten to K_r (an attention output), any layout
     * @param w    per rank (out, K_r) weight slice, packed rows
     * @param bias (out) or null, added on rank 0
     * @param y    per rank (tokens, out) contiguous f32
     */
    public static void launch(DeviceGroup group, String part, int layer, String weightName, Tensor[] xs, Tensor[] ws,
                              Tensor bias, Tensor[] ys) {
        // the op runs later on the cards: never let it see the caller's arrays change underneath
        Tensor[] x = xs.clone();
        Tensor[] w = ws.clone();
        Tensor[] y = ys.clone();
        group.launch(OP, weightName, part, layer, r -> Arrays.asList(x[r], w[r], y[r]), (r, d) -> {
            Tensor in = x[r];
            if (!isFusedLayout(in)) {
                group.layout().recordCopy(OP + " " + weightName + " on " + d.id() + ": " + in.describe());
                in = in.copyToF32();
            }
            if (in.rank() == 3) {
                in = in.view(in.dim(0), in.dim(1) * in.dim(2));
            }
            Tensor out = y[r];
            Check.heapF32Contiguous(out, OP + " output");
            if (in.dim(1) != w[r].dim(1) || out.dim(0) != in.dim(0) || out.dim(1) != w[r].dim(0)) {
                throw new EngineException(ErrorCode.SHAPE_MISMATCH, OP + " " + weightName + ": x " + in.describe()
                        + ", W " + w[r].describe() + ", y " + out.describe() + " do not form (t, k)·(n, k)ᵀ = (t, n)");
            }
            Linear.forward(in, w[r], r == 0 ? bias : null, out, d.parallel());
            group.comm().allReduceSum(r, out.array(), 0, Math.toIntExact(out.numel()));
        });
    }

    /** What the fused op accepts as its activation: a packed f32 heap buffer starting at element 0. */
    public static boolean isFusedLayout(Tensor t) {
        return t.dtype() == DType.F32 && t.array() != null && t.isContiguous() && t.offset() == 0;
    }
}
