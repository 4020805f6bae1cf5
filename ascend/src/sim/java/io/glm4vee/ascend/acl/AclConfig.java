package io.glm4vee.ascend.acl;

import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * JavaCPP build and load properties of the bindings, simulator variant (the default build):
 * the JNI library {@code jniGlm4vAscend} links against {@code libglm4v_cann_sim}, our CANN-API
 * simulator, built from {@code src/main/native} and packaged next to it in the jar. The
 * {@code -Pascend} build compiles {@code src/cann/java}'s twin of this class instead, which
 * links the same declarations against a real CANN toolkit.
 */
@Properties(value = @Platform(
        value = "linux-x86_64",
        include = {"acl/acl.h", "aclnn/acl_meta.h", "aclnnop/glm4v_aclnn_ops.h", "hccl/hccl.h", "glm4v_sim.h"},
        link = "glm4v_cann_sim",
        library = "jniGlm4vAscend"))
public final class AclConfig {
    /** True in this variant: the native calls go to the simulator. */
    public static final boolean SIMULATOR = true;

    private AclConfig() {
    }
}
