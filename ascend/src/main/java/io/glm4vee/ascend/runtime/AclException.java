package io.glm4vee.ascend.runtime;

import io.glm4vee.ascend.acl.Acl;
import org.bytedeco.javacpp.BytePointer;

/**
 * A failed AscendCL, aclnn or HCCL call: the C function's name, its nonzero return code, the
 * text {@code aclGetRecentErrMsg()} gave on the failing thread, and what we were doing (op,
 * card, shapes and strides).
 */
public final class AclException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int code;
    private final String nativeMessage;

    public AclException(String call, int code, String nativeMessage, String context) {
        super(call + " failed with " + code + (context == null || context.isEmpty() ? "" : " [" + context + "]")
                + (nativeMessage.isEmpty() ? "" : ": " + nativeMessage));
        this.call = call;
        this.code = code;
        this.nativeMessage = nativeMessage;
    }

    /** The C function that failed, e.g. {@code aclnnMatmulAllReduceGetWorkspaceSize}. */
    public String call() {
        return call;
    }

    /** Its return code ({@code aclError}, {@code aclnnStatus} or {@code HcclResult}). */
    public int code() {
        return code;
    }

    /** What {@code aclGetRecentErrMsg()} said (empty when it said nothing). */
    public String nativeMessage() {
        return nativeMessage;
    }

    /** Throws when {@code rc} is nonzero, reading the thread's recent error text. */
    public static void check(int rc, String call) {
        if (rc != 0) {
            throw new AclException(call, rc, recentErrMsg(), null);
        }
    }

    static void check(int rc, String call, String context) {
        if (rc != 0) {
            throw new AclException(call, rc, recentErrMsg(), context);
        }
    }

    /** {@code aclGetRecentErrMsg()} as a string, empty when there is none; it reads the text once. */
    public static String recentErrMsg() {
        BytePointer p = Acl.aclGetRecentErrMsg();
        return p == null || p.isNull() ? "" : p.getString();
    }
}
