package io.glm4vee.engine.ops;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.tensor.DType;
import io.glm4vee.engine.tensor.Tensor;

import java.util.Arrays;

/** Preconditions at the top of every op; each message says expected vs actual. */
public final class Check {
    private Check() {
    }

    public static void rank(Tensor t, int rank, String what) {
        if (t.rank() != rank) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH,
                    what + ": expected rank " + rank + ", got " + t.describe());
        }
    }

    public static void dim(Tensor t, int dim, long size, String what) {
        if (t.dim(dim) != size) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH,
                    what + ": expected dim " + dim + " = " + size + ", got " + t.describe());
        }
    }

    public static void shape(Tensor t, String what, long... shape) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH,
                    what + ": expected shape " + Arrays.toString(shape) + ", got " + t.describe());
        }
    }

    /** Outputs are written in place: they must be packed F32 heap tensors starting at element 0. */
    public static void heapF32Contiguous(Tensor t, String what) {
        if (t.dtype() != DType.F32 || t.array() == null || !t.isContiguous() || t.offset() != 0) {
            throw new EngineException(ErrorCode.LAYOUT,
                    what + ": expected a contiguous f32 heap tensor at offset 0, got " + t.describe());
        }
    }

    /** Like {@link #heapF32Contiguous} but the block may start anywhere in its array (rows of a bigger buffer). */
    public static void heapF32Packed(Tensor t, String what) {
        if (t.dtype() != DType.F32 || t.array() == null || !t.isContiguous()) {
            throw new EngineException(ErrorCode.LAYOUT,
                    what + ": expected a contiguous f32 heap tensor, got " + t.describe());
        }
    }

    /** Weights: each row must be packed (stride 1 along the last dim); the row stride may be anything. */
    public static void rowsPacked(Tensor t, String what) {
        if (!t.isRowMajorFrom(t.rank() - 1)) {
            throw new EngineException(ErrorCode.LAYOUT,
                    what + ": expected rows with unit stride, got " + t.describe());
        }
    }

    /** An F32 heap view whose rows are packed, or a packed F32 copy of it. */
    public static Tensor packedRows(Tensor t) {
        if (t.dtype() == DType.F32 && t.array() != null && t.isRowMajorFrom(t.rank() - 1)) {
            return t;
        }
        return t.copyToF32();
    }

    public static void sameShape(Tensor a, Tensor b, String what) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH,
                    what + ": shapes differ: " + a.describe() + " vs " + b.describe());
        }
    }
}
