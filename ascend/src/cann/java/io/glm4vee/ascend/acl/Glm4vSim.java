package io.glm4vee.ascend.acl;

/**
 * The real-CANN build's stand-in for the simulator's controls ({@code glm4v_sim.h}): the same
 * methods, in plain Java, so code and tests written against the simulator compile with
 * {@code -Pascend}. {@link #glm4vSimIsSimulator()} says 0; counts are -1 (unknown); the setters
 * do nothing; fault injection is refused. Tests that need the controls assume the simulator.
 */
public final class Glm4vSim {
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

    public static int glm4vSimIsSimulator() {
        return 0;
    }

    public static long glm4vSimLiveObjects(int kind) {
        return -1;
    }

    public static int glm4vSimSetDeviceCount(int deviceCount) {
        return Acl.ACL_ERROR_INVALID_PARAM;
    }

    public static void glm4vSimSetMemoryBytes(long bytesPerCard) {
    }

    public static void glm4vSimSetHcclTimeoutMs(long ms) {
    }

    public static void glm4vSimSetOpTimeoutMs(long ms) {
    }

    public static int glm4vSimInjectFault(int deviceId, String opName, long nth, int mode) {
        throw new UnsupportedOperationException("fault injection needs the simulator (this build links a real CANN)");
    }

    public static void glm4vSimClearFaults() {
    }

    /** Not known on a real CANN: -1. */
    public static long glm4vSimFreeWhileQueuedCount() {
        return -1;
    }

    /** Not known on a real CANN: -1. */
    public static long glm4vSimCommDestroyWhileQueuedCount() {
        return -1;
    }
}
