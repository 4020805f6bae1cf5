package io.glm4vee.ascend.acl;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * Simulator-only controls ({@code glm4v_sim.h}, no CANN counterpart): live-object counts,
 * limits, timeouts and fault injection for tests. Exists in the default (simulator) build only.
 */
@Properties(inherit = AclConfig.class)
public final class Glm4vSim {
    static {
        Loader.load();
    }

    private Glm4vSim() {
    }

    public static final int LIVE_ALL = 0;
    public static final int LIVE_ALLOCATIONS = 1;
    public static final int LIVE_TENSORS = 2;
    public static final int LIVE_SCALARS = 3;
    public static final int LIVE_INT_ARRAYS = 4;
    public static final int LIVE_EXECUTORS = 5;
    public static final int LIVE_STREAMS = 6;
    public static final int LIVE_CONTEXTS = 7;
    public static final int LIVE_COMMS = 8;
    public static final int FAULT_FAIL = 0;
    public static final int FAULT_HANG = 1;

    public static native int glm4vSimIsSimulator();

    public static native long glm4vSimLiveObjects(int kind);

    public static native int glm4vSimSetDeviceCount(int deviceCount);

    public static native void glm4vSimSetMemoryBytes(long bytesPerCard);

    public static native void glm4vSimSetHcclTimeoutMs(long ms);

    public static native void glm4vSimSetOpTimeoutMs(long ms);

    public static native int glm4vSimInjectFault(int deviceId, String opName, long nth, int mode);

    public static native void glm4vSimClearFaults();

    /** aclrtFree calls so far that freed memory a queued, unfinished task still used (a correct caller keeps it 0). */
    public static native long glm4vSimFreeWhileQueuedCount();

    /** HcclCommDestroy calls so far on a communicator a queued, unfinished collective still used (a correct caller keeps it 0). */
    public static native long glm4vSimCommDestroyWhileQueuedCount();
}
