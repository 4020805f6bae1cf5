package io.glm4vee.ascend.acl;

import io.glm4vee.ascend.acl.Acl.aclIntArray;
import io.glm4vee.ascend.acl.Acl.aclOpExecutor;
import io.glm4vee.ascend.acl.Acl.aclScalar;
import io.glm4vee.ascend.acl.Acl.aclTensor;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * The aclnn operators (libopapi), two-phase like every aclnn op: {@code aclnnXxxGetWorkspaceSize(
 * inputs..., outputs..., uint64_t *workspaceSize, aclOpExecutor **executor)} validates the
 * arguments and builds an executor, then {@code aclnnXxx(workspace, workspaceSize, executor,
 * stream)} launches it on a stream. Argument order as in the CANN operator documentation;
 * {@code ascend/README.md} gives each op's semantics as implemented by the simulator.
 */
@Properties(inherit = AclConfig.class)
public final class Aclnn {
    static {
        Loader.load();
    }

    private Aclnn() {
    }

    public static native int aclnnMatmulGetWorkspaceSize(@Const aclTensor self, @Const aclTensor mat2, aclTensor out, byte cubeMathType,
            @Cast("uint64_t*") LongPointer workspaceSize, @Cast("aclOpExecutor**") PointerPointer executor);

    public static native int aclnnMatmul(Pointer workspace, @Cast("uint64_t") long workspaceSize, aclOpExecutor executor,
            @Cast("aclrtStream") Pointer stream);

    public static native int aclnnBatchMatMulGetWorkspaceSize(@Const aclTensor self, @Const aclTensor mat2, aclTensor out, byte cubeMathType,
            @Cast("uint64_t*") LongPointer workspaceSize, @Cast("aclOpExecutor**") PointerPointer executor);

    public static native int aclnnBatchMatMul(Pointer workspace, @Cast("uint64_t") long workspaceSize, aclOpExecutor executor,
            @Cast("aclrtStream") Pointer stream);

    public static native int aclnnAddGetWorkspaceSize(@Const aclTensor self, @Const aclTensor other, @Const aclScalar alpha, aclTensor out,
            @Cast("uint64_t*") LongPointer workspaceSize, @Cast("aclOpExecutor**") PointerPointer executor);

    public static native int aclnnAdd(Pointer workspace, @Cast("uint64_t") long workspaceSize, aclOpExecutor executor,
            @Cast("aclrtStream") Pointer stream);

    public static native int aclnnMulGetWorkspaceSize(@Const aclTensor self, @Const aclTensor other, aclTensor out,
            @Cast("uint64_t*") LongPointer workspaceSize, @Cast("aclOpExecutor**") PointerPointer executor);

    public static native int aclnnMul(Pointer workspace, @Cast("uint64_t") long workspaceSize, aclOpExecutor executor,
            @Cast("aclrtStream") Pointer stream);

    public static native int aclnnMulsGetWorkspaceSize(@Const aclTensor self, @Const aclScalar other, aclTensor out,
            @Cast("uint64_t*") LongPointer workspaceSize, @Cast("aclOpExecutor**") PointerPointer executor);

    public static native int aclnnMuls(Pointer workspace, @Cast("uint64_t") long workspaceSize, aclOpExecutor executor,
            @Cast("aclrtStream") Pointer stream);

    public static native int aclnnRmsNormGetWorkspaceSize(@Const aclTensor x, @Const aclTensor gamma, double epsilon, @Const aclTensor yOut, @Const aclTensor rstdOut,
            @Cast("uint64_t*") LongPointer workspaceSize, @Cast("aclOpExecutor**") PointerPointer executor);

    public static native int aclnnRmsNorm(Pointer workspace, @Cast("uint64_t") long workspaceSize, aclOpExecutor executor,
            @Cast("aclrtStream") Pointer stream);

    public static native int aclnnLayerNormGetWorkspaceSize(@Const aclTensor input, @Const aclIntArray normalizedShape, @Const aclTensor weightOptional, @Const aclTensor biasOptional, double eps, aclTensor out, aclTensor meanOutOptional, aclTensor rstdOutOptional,
            @Cast("uint64_t*") LongPointer workspaceSize, @Cast("aclOpExecutor**") PointerPointer executor);

    public static native int aclnnLayerNorm(Pointer workspace, @Cast("uint64_t") long workspaceSize, aclOpExecutor executor,
            @Cast("aclrtStream") Pointer stream);

    public static native int aclnnSiluGetWorkspaceSize(@Const aclTensor self, aclTensor out,
            @Cast("uint64_t*") LongPointer workspaceSize, @Cast("aclOpExecutor**") PointerPointer executor);

    public static native int aclnnSilu(Pointer workspace, @Cast("uint64_t") long workspaceSize, aclOpExecutor executor,
            @Cast("aclrtStream") Pointer stream);

    public static native int aclnnGeluV2GetWorkspaceSize(@Const aclTensor x, @Cast("int64_t") long approximate, aclTensor y,
            @Cast("uint64_t*") LongPointer workspaceSize, @Cast("aclOpExecutor**") PointerPointer executor);

    public static native int aclnnGeluV2(Pointer workspace, @Cast("uint64_t") long workspaceSize, aclOpExecutor executor,
            @Cast("aclrtStream") Pointer stream);

    public static native int aclnnSoftmaxGetWorkspaceSize(@Const aclTensor self, @Cast("int64_t") long dim, aclTensor out,
            @Cast("uint64_t*") LongPointer workspaceSize, @Cast("aclOpExecutor**") PointerPointer executor);

    public static native int aclnnSoftmax(Pointer workspace, @Cast("uint64_t") long workspaceSize, aclOpExecutor executor,
            @Cast("aclrtStream") Pointer stream);

    public static native int aclnnEmbeddingGetWorkspaceSize(@Const aclTensor weight, @Const aclTensor indices, @Const aclTensor out,
            @Cast("uint64_t*") LongPointer workspaceSize, @Cast("aclOpExecutor**") PointerPointer executor);

    public static native int aclnnEmbedding(Pointer workspace, @Cast("uint64_t") long workspaceSize, aclOpExecutor executor,
            @Cast("aclrtStream") Pointer stream);

    public static native int aclnnCastGetWorkspaceSize(@Const aclTensor self, @Cast("aclDataType") int dtype, aclTensor out,
            @Cast("uint64_t*") LongPointer workspaceSize, @Cast("aclOpExecutor**") PointerPointer executor);

    public static native int aclnnCast(Pointer workspace, @Cast("uint64_t") long workspaceSize, aclOpExecutor executor,
            @Cast("aclrtStream") Pointer stream);

    public static native int aclnnInplaceCopyGetWorkspaceSize(aclTensor selfRef, @Const aclTensor src,
            @Cast("uint64_t*") LongPointer workspaceSize, @Cast("aclOpExecutor**") PointerPointer executor);

    public static native int aclnnInplaceCopy(Pointer workspace, @Cast("uint64_t") long workspaceSize, aclOpExecutor executor,
            @Cast("aclrtStream") Pointer stream);

    public static native int aclnnRotaryPositionEmbeddingGetWorkspaceSize(@Const aclTensor x, @Const aclTensor cos, @Const aclTensor sin, @Cast("int64_t") long mode, aclTensor out,
            @Cast("uint64_t*") LongPointer workspaceSize, @Cast("aclOpExecutor**") PointerPointer executor);

    public static native int aclnnRotaryPositionEmbedding(Pointer workspace, @Cast("uint64_t") long workspaceSize, aclOpExecutor executor,
            @Cast("aclrtStream") Pointer stream);

    public static native int aclnnMatmulAllReduceGetWorkspaceSize(@Const aclTensor x1, @Const aclTensor x2, @Const aclTensor bias, String group, String reduceOp, @Cast("int64_t") long commTurn, @Cast("int64_t") long streamMode, @Const aclTensor output,
            @Cast("uint64_t*") LongPointer workspaceSize, @Cast("aclOpExecutor**") PointerPointer executor);

    public static native int aclnnMatmulAllReduce(Pointer workspace, @Cast("uint64_t") long workspaceSize, aclOpExecutor executor,
            @Cast("aclrtStream") Pointer stream);
}
