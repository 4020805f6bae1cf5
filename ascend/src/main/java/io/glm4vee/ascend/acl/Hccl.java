package io.glm4vee.ascend.acl;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * HCCL collectives ({@code hccl/hccl.h}): communicators ({@code HcclComm}, a plain
 * {@link Pointer}) over the cards of one process and collectives enqueued on a stream. Returns
 * {@code HcclResult} (0 = success); failures while executing show at the stream's synchronise.
 */
@Properties(inherit = AclConfig.class)
public final class Hccl {
    static {
        Loader.load();
    }

    private Hccl() {
    }

    // ---- HcclResult ----
    public static final int HCCL_SUCCESS = 0;
    public static final int HCCL_E_PARA = 1;
    public static final int HCCL_E_PTR = 2;
    public static final int HCCL_E_NOT_SUPPORT = 5;
    public static final int HCCL_E_TIMEOUT = 9;
    // ---- HcclDataType ----
    public static final int HCCL_DATA_TYPE_INT32 = 2;
    public static final int HCCL_DATA_TYPE_FP16 = 3;
    public static final int HCCL_DATA_TYPE_FP32 = 4;
    public static final int HCCL_DATA_TYPE_INT64 = 5;
    public static final int HCCL_DATA_TYPE_BFP16 = 11;
    // ---- HcclReduceOp ----
    public static final int HCCL_REDUCE_SUM = 0;
    public static final int HCCL_REDUCE_PROD = 1;
    public static final int HCCL_REDUCE_MAX = 2;
    public static final int HCCL_REDUCE_MIN = 3;
    /** Bytes of the buffer HcclGetCommName writes. */
    public static final int HCCL_COMM_NAME_MAX_LENGTH = 128;

    public static native int HcclCommInitAll(@Cast("uint32_t") int ndev, @Cast("int32_t*") IntPointer devices,
            @Cast("HcclComm*") PointerPointer comms);

    public static native int HcclGetCommName(@Cast("HcclComm") Pointer comm, @Cast("char*") BytePointer commName);

    public static native int HcclGetRankSize(@Cast("HcclComm") Pointer comm, @Cast("uint32_t*") IntPointer rankSize);

    public static native int HcclGetRankId(@Cast("HcclComm") Pointer comm, @Cast("uint32_t*") IntPointer rank);

    public static native int HcclAllReduce(Pointer sendBuf, Pointer recvBuf, @Cast("uint64_t") long count,
            @Cast("HcclDataType") int dataType, @Cast("HcclReduceOp") int op, @Cast("HcclComm") Pointer comm,
            @Cast("aclrtStream") Pointer stream);

    public static native int HcclAllGather(Pointer sendBuf, Pointer recvBuf, @Cast("uint64_t") long sendCount,
            @Cast("HcclDataType") int dataType, @Cast("HcclComm") Pointer comm, @Cast("aclrtStream") Pointer stream);

    public static native int HcclBroadcast(Pointer buf, @Cast("uint64_t") long count, @Cast("HcclDataType") int dataType,
            @Cast("uint32_t") int root, @Cast("HcclComm") Pointer comm, @Cast("aclrtStream") Pointer stream);

    public static native int HcclCommDestroy(@Cast("HcclComm") Pointer comm);
}
