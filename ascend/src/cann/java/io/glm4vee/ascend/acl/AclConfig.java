package io.glm4vee.ascend.acl;

import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * JavaCPP build and load properties of the bindings, real-CANN variant ({@code -Pascend}): the
 * same declarations compiled against the CANN toolkit's own headers under
 * {@code $ASCEND_TOOLKIT_HOME/include} and linked against {@code libascendcl},
 * {@code libnnopbase}, {@code libopapi} and {@code libhccl} (CANN 8.0.RC2 or later), which
 * the host provides ({@code source set_env.sh}); nothing of CANN is packaged. Never run here:
 * no Ascend card or toolkit was available when this was written.
 */
@Properties(value = @Platform(
        value = "linux",
        include = {"acl/acl.h", "aclnn/acl_meta.h", "aclnnop/aclnn_matmul.h", "aclnnop/aclnn_batch_matmul.h",
                "aclnnop/aclnn_add.h", "aclnnop/aclnn_mul.h", "aclnnop/aclnn_rms_norm.h",
                "aclnnop/aclnn_layer_norm.h", "aclnnop/aclnn_silu.h", "aclnnop/aclnn_gelu_v2.h",
                "aclnnop/aclnn_softmax.h", "aclnnop/aclnn_embedding.h", "aclnnop/aclnn_cast.h",
                "aclnnop/aclnn_copy.h", "aclnnop/aclnn_rotary_position_embedding.h",
                "aclnnop/aclnn_matmul_all_reduce.h", "hccl/hccl.h"},
        link = {"ascendcl", "nnopbase", "opapi", "hccl"},
        library = "jniGlm4vAscend"))
public final class AclConfig {
    /** False in this variant: the native calls go to CANN. */
    public static final boolean SIMULATOR = false;

    private AclConfig() {
    }
}
