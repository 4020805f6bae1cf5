package io.glm4vee.ascend.runtime;

import io.glm4vee.ascend.acl.Acl;
import io.glm4vee.ascend.acl.Acl.aclIntArray;
import io.glm4vee.ascend.acl.Acl.aclOpExecutor;
import io.glm4vee.ascend.acl.Acl.aclScalar;
import io.glm4vee.ascend.acl.Aclnn;
import java.util.StringJoiner;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * One method per aclnn operator: GetWorkspaceSize, the card's workspace, launch on the card's
 * stream (the card of the output tensor), and in launch-blocking mode a synchronise. A nonzero
 * status becomes an {@link AclException} naming the C call, the card and every tensor's shape and
 * strides. Semantics of each op: {@code ascend/README.md}.
 */
public final class Ops {
    private Ops() {
    }

    /** Phase one of an op: its {@code aclnnXxxGetWorkspaceSize} call with the card's out-parameters. */
    @FunctionalInterface
    private interface Prepare {
        int call(LongPointer workspaceSize, PointerPointer<Pointer> executor);
    }

    /** Phase two: {@code aclnnXxx(workspace, size, executor, stream)}. */
    @FunctionalInterface
    private interface Launch {
        int call(Pointer workspace, long size, aclOpExecutor executor, Pointer stream);
    }

    private static void run(String op, NpuCard card, Prepare prepare, Launch launch, String roles, NpuTensor... tensors) {
        String[] names = roles.split(",");
        if (names.length != tensors.length) {
            throw new IllegalArgumentException(op + ": " + names.length + " roles for " + tensors.length + " tensors");
        }
        card.makeCurrent();
        int rc = prepare.call(card.workspaceSize, card.executor);
        if (rc != 0) {
            throw new AclException(op + "GetWorkspaceSize", rc, AclException.recentErrMsg(), context(card, names, tensors));
        }
        long size = card.workspaceSize.get();
        aclOpExecutor executor = new aclOpExecutor(card.executor.get(0));
        Pointer workspace;
        try {
            workspace = card.workspace().ensure(size);
        } catch (RuntimeException e) {
            Acl.aclDestroyAclOpExecutor(executor); // never launched: free it here
            throw e;
        }
        rc = launch.call(workspace, size, executor, card.stream());
        if (rc != 0) {
            throw new AclException(op, rc, AclException.recentErrMsg(), context(card, names, tensors));
        }
        if (card.launchBlocking()) {
            card.synchronizeBounded(op, context(card, names, tensors));   // bounded and abortable, never HCCL's 30 min
        }
    }

    /**
     * The card and every operand by its role, e.g. {@code npu:0: x1=BF16[4, 8] strides [8, 1] offset 0;
     * x2=...; bias=null; out=...} (an absent optional operand shows as null).
     */
    static String context(NpuCard card, String[] roles, NpuTensor... tensors) {
        StringJoiner j = new StringJoiner("; ", card + ": ", "");
        for (int i = 0; i < tensors.length; i++) {
            NpuTensor t = tensors[i];
            j.add(roles[i] + "=" + (t == null ? "null" : t.dtype() + java.util.Arrays.toString(t.dims()) + " strides "
                    + java.util.Arrays.toString(t.strides()) + " offset " + t.offset()));
        }
        return j.toString();
    }

    private static Acl.aclTensor h(NpuTensor t) {
        return t == null ? null : t.handle();
    }

    /** {@code out (..., m, n) = self (..., m, k) @ mat2 (k, n)}; mat2 may be a transposed view of a (n, k) weight. */
    public static void matmul(NpuTensor self, NpuTensor mat2, NpuTensor out) {
        run("aclnnMatmul", out.card(),
                (ws, ex) -> Aclnn.aclnnMatmulGetWorkspaceSize(self.handle(), mat2.handle(), out.handle(), (byte) 0, ws, ex),
                Aclnn::aclnnMatmul, "self,mat2,out", self, mat2, out);
    }

    /** {@code out (b, m, n) = self (b, m, k) @ mat2 (b, k, n)}. */
    public static void batchMatMul(NpuTensor self, NpuTensor mat2, NpuTensor out) {
        run("aclnnBatchMatMul", out.card(),
                (ws, ex) -> Aclnn.aclnnBatchMatMulGetWorkspaceSize(self.handle(), mat2.handle(), out.handle(), (byte) 0, ws, ex),
                Aclnn::aclnnBatchMatMul, "self,mat2,out", self, mat2, out);
    }

    /** {@code out = self + alpha * other}, broadcasting. */
    public static void add(NpuTensor self, NpuTensor other, double alpha, NpuTensor out) {
        try (Scalar a = new Scalar(alpha)) {
            run("aclnnAdd", out.card(),
                    (ws, ex) -> Aclnn.aclnnAddGetWorkspaceSize(self.handle(), other.handle(), a.handle, out.handle(), ws, ex),
                    Aclnn::aclnnAdd, "self,other,out", self, other, out);
        }
    }

    /** {@code out = self * other}, broadcasting. */
    public static void mul(NpuTensor self, NpuTensor other, NpuTensor out) {
        run("aclnnMul", out.card(),
                (ws, ex) -> Aclnn.aclnnMulGetWorkspaceSize(self.handle(), other.handle(), out.handle(), ws, ex),
                Aclnn::aclnnMul, "self,other,out", self, other, out);
    }

    /** {@code out = self * scalar}. */
    public static void muls(NpuTensor self, double scalar, NpuTensor out) {
        try (Scalar s = new Scalar(scalar)) {
            run("aclnnMuls", out.card(),
                    (ws, ex) -> Aclnn.aclnnMulsGetWorkspaceSize(self.handle(), s.handle, out.handle(), ws, ex),
                    Aclnn::aclnnMuls, "self,out", self, out);
        }
    }

    /** {@code y = x * rstd * gamma} over gamma's trailing dims; {@code rstdOut} (F32) gets one value per row. */
    public static void rmsNorm(NpuTensor x, NpuTensor gamma, double eps, NpuTensor y, NpuTensor rstdOut) {
        run("aclnnRmsNorm", y.card(),
                (ws, ex) -> Aclnn.aclnnRmsNormGetWorkspaceSize(x.handle(), gamma.handle(), eps, y.handle(), rstdOut.handle(), ws, ex),
                Aclnn::aclnnRmsNorm, "x,gamma,y,rstd", x, gamma, y, rstdOut);
    }

    /** LayerNorm over the trailing {@code normalizedDims} dims; weight, bias, mean and rstd may be null. */
    public static void layerNorm(NpuTensor input, int normalizedDims, NpuTensor weight, NpuTensor bias, double eps,
            NpuTensor out, NpuTensor meanOut, NpuTensor rstdOut) {
        long[] dims = input.dims();
        long[] shape = java.util.Arrays.copyOfRange(dims, dims.length - normalizedDims, dims.length);
        out.card().makeCurrent();
        aclIntArray normalized = Acl.aclCreateIntArray(shape, shape.length);
        if (normalized == null || normalized.isNull()) {
            throw new AclException("aclCreateIntArray", Acl.ACLNN_ERR_PARAM_INVALID, AclException.recentErrMsg(), null);
        }
        try {
            run("aclnnLayerNorm", out.card(),
                    (ws, ex) -> Aclnn.aclnnLayerNormGetWorkspaceSize(input.handle(), normalized, h(weight), h(bias), eps,
                            out.handle(), h(meanOut), h(rstdOut), ws, ex),
                    Aclnn::aclnnLayerNorm, "input,weight,bias,out,mean,rstd", input, weight, bias, out, meanOut, rstdOut);
        } finally {
            Acl.aclDestroyIntArray(normalized);
        }
    }

    /** {@code out = self * sigmoid(self)}. */
    public static void silu(NpuTensor self, NpuTensor out) {
        run("aclnnSilu", out.card(), (ws, ex) -> Aclnn.aclnnSiluGetWorkspaceSize(self.handle(), out.handle(), ws, ex),
                Aclnn::aclnnSilu, "self,out", self, out);
    }

    /** GELU; {@code tanh} false = exact (erf), true = tanh approximation. */
    public static void gelu(NpuTensor x, boolean tanh, NpuTensor y) {
        run("aclnnGeluV2", y.card(),
                (ws, ex) -> Aclnn.aclnnGeluV2GetWorkspaceSize(x.handle(), tanh ? 1 : 0, y.handle(), ws, ex),
                Aclnn::aclnnGeluV2, "x,y", x, y);
    }

    /** Softmax along {@code dim} (negative counts from the end). */
    public static void softmax(NpuTensor self, long dim, NpuTensor out) {
        run("aclnnSoftmax", out.card(), (ws, ex) -> Aclnn.aclnnSoftmaxGetWorkspaceSize(self.handle(), dim, out.handle(), ws, ex),
                Aclnn::aclnnSoftmax, "self,out", self, out);
    }

    /** {@code out (indices..., H) = weight (V, H)[indices]} (indices I32 or I64). */
    public static void embedding(NpuTensor weight, NpuTensor indices, NpuTensor out) {
        run("aclnnEmbedding", out.card(),
                (ws, ex) -> Aclnn.aclnnEmbeddingGetWorkspaceSize(weight.handle(), indices.handle(), out.handle(), ws, ex),
                Aclnn::aclnnEmbedding, "weight,indices,out", weight, indices, out);
    }

    /** {@code out = self} converted to out's dtype. */
    public static void cast(NpuTensor self, NpuTensor out) {
        run("aclnnCast", out.card(),
                (ws, ex) -> Aclnn.aclnnCastGetWorkspaceSize(self.handle(), out.dtype().aclType(), out.handle(), ws, ex),
                Aclnn::aclnnCast, "self,out", self, out);
    }

    /** {@code dst = src} element by element in any layout (broadcasting src): the way to make a view contiguous. */
    public static void copy(NpuTensor dst, NpuTensor src) {
        run("aclnnInplaceCopy", dst.card(), (ws, ex) -> Aclnn.aclnnInplaceCopyGetWorkspaceSize(dst.handle(), src.handle(), ws, ex),
                Aclnn::aclnnInplaceCopy, "dst,src", dst, src);
    }

    /** RoPE on 4-D x with cos/sin broadcast to it; mode 0 = half (rotate_half), 1 = interleaved pairs. */
    public static void rotaryPositionEmbedding(NpuTensor x, NpuTensor cos, NpuTensor sin, int mode, NpuTensor out) {
        run("aclnnRotaryPositionEmbedding", out.card(),
                (ws, ex) -> Aclnn.aclnnRotaryPositionEmbeddingGetWorkspaceSize(x.handle(), cos.handle(), sin.handle(), mode,
                        out.handle(), ws, ex),
                Aclnn::aclnnRotaryPositionEmbedding, "x,cos,sin,out", x, cos, sin, out);
    }

    /**
     * The fused row-parallel layer: {@code out = sum over ranks (x1 @ x2 + bias)} (each rank's bias, which may be
     * null, is summed: pass a layer's bias on rank 0 only), on this rank's card;
     * every rank of {@code group} must call it. F16/BF16 only; x1 must be contiguous (ERR01005 otherwise).
     */
    public static void matmulAllReduce(HcclGroup group, NpuTensor x1, NpuTensor x2, NpuTensor bias, NpuTensor out) {
        group.rankOf(out.card());
        run("aclnnMatmulAllReduce", out.card(),
                (ws, ex) -> Aclnn.aclnnMatmulAllReduceGetWorkspaceSize(x1.handle(), x2.handle(), h(bias), group.name(), "sum",
                        0, 1, out.handle(), ws, ex),
                Aclnn::aclnnMatmulAllReduce, "x1,x2,bias,out", x1, x2, bias, out);
    }

    /** An F32 {@code aclScalar} for the duration of one op. */
    private static final class Scalar implements AutoCloseable {
        final FloatPointer value;
        final aclScalar handle;

        Scalar(double v) {
            value = new FloatPointer(1).put((float) v);
            handle = Acl.aclCreateScalar(value, Acl.ACL_FLOAT);
            if (handle == null || handle.isNull()) {
                String msg = AclException.recentErrMsg();
                value.close();
                throw new AclException("aclCreateScalar", Acl.ACLNN_ERR_PARAM_INVALID, msg, null);
            }
        }

        @Override
        public void close() {
            Acl.aclDestroyScalar(handle);
            value.close();
        }
    }
}
