package io.glm4vee.ascend.acl;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Opaque;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * AscendCL runtime ({@code acl/acl.h}) and the aclnn tensor descriptors ({@code aclnn/acl_meta.h}):
 * one static native method per C function, with the C name and argument order. Handles
 * ({@code aclrtContext}, {@code aclrtStream}, device addresses) are plain {@link Pointer}s;
 * out-parameters are {@link PointerPointer}/{@link IntPointer}/{@link SizeTPointer}. Return
 * values are {@code aclError}/{@code aclnnStatus} (0 = success). Code outside this package uses
 * {@code io.glm4vee.ascend.runtime}, which owns and frees every handle.
 */
@Properties(inherit = AclConfig.class)
public final class Acl {
    static {
        Loader.load();
    }

    private Acl() {
    }

    // ---- aclDataType ----
    public static final int ACL_FLOAT = 0;
    public static final int ACL_FLOAT16 = 1;
    public static final int ACL_INT32 = 3;
    public static final int ACL_INT64 = 9;
    public static final int ACL_DOUBLE = 11;
    public static final int ACL_BF16 = 27;
    // ---- aclFormat ----
    public static final int ACL_FORMAT_ND = 2;
    // ---- aclrtMemMallocPolicy ----
    public static final int ACL_MEM_MALLOC_HUGE_FIRST = 0;
    public static final int ACL_MEM_MALLOC_NORMAL_ONLY = 2;
    // ---- aclrtMemcpyKind ----
    public static final int ACL_MEMCPY_HOST_TO_HOST = 0;
    public static final int ACL_MEMCPY_HOST_TO_DEVICE = 1;
    public static final int ACL_MEMCPY_DEVICE_TO_HOST = 2;
    public static final int ACL_MEMCPY_DEVICE_TO_DEVICE = 3;
    // ---- aclrtMemAttr ----
    public static final int ACL_HBM_MEM = 1;
    // ---- aclError ----
    public static final int ACL_SUCCESS = 0;
    public static final int ACL_ERROR_INVALID_PARAM = 100000;
    public static final int ACL_ERROR_UNINITIALIZE = 100001;
    public static final int ACL_ERROR_REPEAT_INITIALIZE = 100002;
    public static final int ACL_ERROR_RT_PARAM_INVALID = 107000;
    public static final int ACL_ERROR_RT_INVALID_DEVICEID = 107001;
    public static final int ACL_ERROR_RT_CONTEXT_NULL = 107002;
    public static final int ACL_ERROR_RT_STREAM_SYNC_TIMEOUT = 107020;
    public static final int ACL_ERROR_RT_MEMORY_ALLOCATION = 207001;
    public static final int ACL_ERROR_RT_INTERNAL_ERROR = 507000;
    public static final int ACL_ERROR_RT_AICORE_TIMEOUT = 507014;
    public static final int ACL_ERROR_RT_AICORE_EXCEPTION = 507015;
    /** What synchronising a stream reports after an HCCL execution timeout (EI0002), as seen in the field. */
    public static final int ACL_ERROR_HCCL_EXEC_TIMEOUT = 507048;
    // ---- aclnnStatus ----
    public static final int ACLNN_ERR_PARAM_NULLPTR = 161001;
    public static final int ACLNN_ERR_PARAM_INVALID = 161002;
    public static final int ACLNN_ERR_RUNTIME_ERROR = 361001;
    public static final int ACLNN_ERR_INNER = 561000;

    /** {@code struct aclTensor}: a view (dims, strides, offset in elements) over device memory. */
    @Opaque
    public static class aclTensor extends Pointer {
        public aclTensor() {
            super((Pointer) null);
        }

        public aclTensor(Pointer p) {
            super(p);
        }
    }

    /** {@code struct aclScalar}. */
    @Opaque
    public static class aclScalar extends Pointer {
        public aclScalar() {
            super((Pointer) null);
        }

        public aclScalar(Pointer p) {
            super(p);
        }
    }

    /** {@code struct aclIntArray}. */
    @Opaque
    public static class aclIntArray extends Pointer {
        public aclIntArray() {
            super((Pointer) null);
        }

        public aclIntArray(Pointer p) {
            super(p);
        }
    }

    /** {@code struct aclOpExecutor}: made by an aclnnXxxGetWorkspaceSize, consumed by aclnnXxx. */
    @Opaque
    public static class aclOpExecutor extends Pointer {
        public aclOpExecutor() {
            super((Pointer) null);
        }

        public aclOpExecutor(Pointer p) {
            super(p);
        }
    }

    // ---- init and errors ----
    public static native int aclInit(@Cast("const char*") BytePointer configPath);

    public static native int aclFinalize();

    /** The text of this thread's most recent failure, once (null when there is none). */
    public static native @Cast("const char*") BytePointer aclGetRecentErrMsg();

    // ---- devices and contexts ----
    public static native int aclrtGetDeviceCount(@Cast("uint32_t*") IntPointer count);

    public static native int aclrtSetDevice(int deviceId);

    public static native int aclrtResetDevice(int deviceId);

    public static native int aclrtGetDevice(@Cast("int32_t*") IntPointer deviceId);

    public static native int aclrtCreateContext(@Cast("aclrtContext*") PointerPointer context, int deviceId);

    public static native int aclrtDestroyContext(@Cast("aclrtContext") Pointer context);

    public static native int aclrtSetCurrentContext(@Cast("aclrtContext") Pointer context);

    public static native int aclrtGetCurrentContext(@Cast("aclrtContext*") PointerPointer context);

    // ---- streams ----
    public static native int aclrtCreateStream(@Cast("aclrtStream*") PointerPointer stream);

    public static native int aclrtDestroyStream(@Cast("aclrtStream") Pointer stream);

    public static native int aclrtSynchronizeStream(@Cast("aclrtStream") Pointer stream);

    public static native int aclrtSynchronizeStreamWithTimeout(@Cast("aclrtStream") Pointer stream, int timeoutMs);

    // ---- device memory ----
    public static native int aclrtMalloc(@Cast("void**") PointerPointer devPtr, @Cast("size_t") long size,
            @Cast("aclrtMemMallocPolicy") int policy);

    public static native int aclrtFree(Pointer devPtr);

    public static native int aclrtMemset(Pointer devPtr, @Cast("size_t") long maxCount, int value,
            @Cast("size_t") long count);

    public static native int aclrtMemcpy(Pointer dst, @Cast("size_t") long destMax, @Const Pointer src,
            @Cast("size_t") long count, @Cast("aclrtMemcpyKind") int kind);

    public static native int aclrtMemcpyAsync(Pointer dst, @Cast("size_t") long destMax, @Const Pointer src,
            @Cast("size_t") long count, @Cast("aclrtMemcpyKind") int kind, @Cast("aclrtStream") Pointer stream);

    public static native int aclrtGetMemInfo(@Cast("aclrtMemAttr") int attr, @Cast("size_t*") SizeTPointer free,
            @Cast("size_t*") SizeTPointer total);

    // ---- tensors, scalars, int arrays (aclnn/acl_meta.h) ----
    public static native aclTensor aclCreateTensor(@Cast("const int64_t*") long[] viewDims,
            @Cast("uint64_t") long viewDimsNum, @Cast("aclDataType") int dataType,
            @Cast("const int64_t*") long[] stride, @Cast("int64_t") long offset, @Cast("aclFormat") int format,
            @Cast("const int64_t*") long[] storageDims, @Cast("uint64_t") long storageDimsNum, Pointer tensorData);

    public static native int aclDestroyTensor(@Const aclTensor tensor);

    public static native aclScalar aclCreateScalar(Pointer value, @Cast("aclDataType") int dataType);

    public static native int aclDestroyScalar(@Const aclScalar scalar);

    public static native aclIntArray aclCreateIntArray(@Cast("const int64_t*") long[] value,
            @Cast("uint64_t") long size);

    public static native int aclDestroyIntArray(@Const aclIntArray array);

    public static native int aclDestroyAclOpExecutor(aclOpExecutor executor);
}
