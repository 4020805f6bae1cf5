package io.glm4vee.ascend.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.glm4vee.ascend.acl.Glm4vSim;

/** Shared checks of the simulator tests. */
final class SimTestSupport {
    private SimTestSupport() {
    }

    /** Every native object (allocations, tensors, scalars, int arrays, executors, streams, contexts, comms) freed. */
    static void assertNoLiveObjects() {
        long[] kinds = new long[9];
        for (int k = 1; k <= 8; k++) {
            kinds[k] = Glm4vSim.glm4vSimLiveObjects(k);
        }
        assertEquals(0, Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_ALL),
                "live native objects by kind [-, allocations, tensors, scalars, intArrays, executors, streams, contexts, comms]: "
                        + java.util.Arrays.toString(kinds));
    }
}
