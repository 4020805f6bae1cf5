package io.glm4vee.ascend.runtime;

import io.glm4vee.ascend.acl.Acl;
import io.glm4vee.ascend.acl.Hccl;

/** The element types the bindings use, with their {@code aclDataType} and {@code HcclDataType} codes. */
public enum DType {
    F32(Acl.ACL_FLOAT, Hccl.HCCL_DATA_TYPE_FP32, 4),
    F16(Acl.ACL_FLOAT16, Hccl.HCCL_DATA_TYPE_FP16, 2),
    BF16(Acl.ACL_BF16, Hccl.HCCL_DATA_TYPE_BFP16, 2),
    I32(Acl.ACL_INT32, Hccl.HCCL_DATA_TYPE_INT32, 4),
    I64(Acl.ACL_INT64, Hccl.HCCL_DATA_TYPE_INT64, 8);

    private final int aclType;
    private final int hcclType;
    private final int bytes;

    DType(int aclType, int hcclType, int bytes) {
        this.aclType = aclType;
        this.hcclType = hcclType;
        this.bytes = bytes;
    }

    public int aclType() {
        return aclType;
    }

    public int hcclType() {
        return hcclType;
    }

    public int bytes() {
        return bytes;
    }
}
