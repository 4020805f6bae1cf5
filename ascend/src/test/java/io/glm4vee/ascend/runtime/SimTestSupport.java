package io.glm4vee.ascend.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.glm4vee.ascend.acl.Glm4vSim;

/** Shared checks of the simulator tests. */
final class SimTestSupport {
    private SimTestSupport() {
    }

    /** Runs body(rank) on its own thread per rank (as the engine drives cards) and rethrows the first failure. */
    static void onEachRank(int ranks, java.util.function.IntConsumer body) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(ranks);
        try {
            java.util.List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                int rank = r;
                done.add(pool.submit(() -> body.accept(rank)));
            }
            for (java.util.concurrent.Future<?> f : done) {
                try {
                    f.get(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof Exception ex) {
                        throw ex;
                    }
                    throw (Error) e.getCause();
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Skips the test unless the natives are the simulator (it uses the simulator's controls or checks). */
    static void assumeSimulator() {
        org.junit.jupiter.api.Assumptions.assumeTrue(AscendRuntime.isSimulator(), "needs libglm4v_cann_sim's controls");
    }

    /** Skips the test unless the host has at least {@code n} cards (the simulator has 8). */
    static void assumeCards(AscendRuntime runtime, int n) {
        org.junit.jupiter.api.Assumptions.assumeTrue(runtime.deviceCount() >= n, "needs " + n + " cards");
    }

    /** Every native object (allocations, tensors, scalars, int arrays, executors, streams, contexts, comms) freed. */
    static void assertNoLiveObjects() {
        if (!AscendRuntime.isSimulator()) {
            return; // only the simulator counts them
        }
        long[] kinds = new long[9];
        for (int k = 1; k <= 8; k++) {
            kinds[k] = Glm4vSim.glm4vSimLiveObjects(k);
        }
        assertEquals(0, Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_ALL),
                "live native objects by kind [-, allocations, tensors, scalars, intArrays, executors, streams, contexts, comms]: "
                        + java.util.Arrays.toString(kinds));
    }
}
