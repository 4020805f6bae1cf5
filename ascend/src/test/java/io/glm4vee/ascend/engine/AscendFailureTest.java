package io.glm4vee.ascend.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glm4vee.ascend.acl.Glm4vSim;
import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.device.DeviceOptions;
import io.glm4vee.engine.device.ExecutionMode;
import io.glm4vee.engine.eval.EvalRunner;
import io.glm4vee.engine.model.Glm4vModel;
import io.glm4vee.engine.model.Sequence;
import io.glm4vee.ascend.runtime.AscendRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The field failures through the whole engine on the simulator: the seed failure (a
 * non-contiguous activation handed straight to aclnnMatmulAllReduce fails with ERR01005;
 * launch-blocking pins it to the op and layer; the engine's layout contract makes the same
 * layout pass), and a hung collective (a bounded error, then a rebuilt group that answers).
 */
class AscendFailureTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path BF16 = AscendGoldenTest.FIXTURES.resolve("glm4v-tiny-a");
    private static final int[] TEXT_IDS = {1, 5, 9, 17, 33, 65, 2};

    private long freesUnderQueuedWork;
    private long commDestroysUnderQueuedWork;

    @BeforeEach
    void countFrees() {
        freesUnderQueuedWork = AscendRuntime.isSimulator() ? Glm4vSim.glm4vSimFreeWhileQueuedCount() : 0;
        commDestroysUnderQueuedWork = AscendRuntime.isSimulator() ? Glm4vSim.glm4vSimCommDestroyWhileQueuedCount() : 0;
    }

    @AfterEach
    void reset() {
        System.clearProperty("glm4v.ascend.test.transposedContext");
        System.clearProperty("glm4v.ascend.test.noLayoutContract");
        if (!AscendRuntime.isSimulator()) {
            return;
        }
        Glm4vSim.glm4vSimClearFaults();
        Glm4vSim.glm4vSimSetHcclTimeoutMs(0);
        Glm4vSim.glm4vSimSetOpTimeoutMs(30_000);
        // real aclrtFree does not wait for the stream: in the normal, failure and close paths the
        // engine must never free device memory that a queued task still uses
        assertEquals(freesUnderQueuedWork, Glm4vSim.glm4vSimFreeWhileQueuedCount(),
                "aclrtFree of memory a queued task still used");
        // nor destroy an HCCL communicator under a collective still queued on a card's stream
        // (e.g. rank 0 waiting in the collective its failed peer never joins)
        assertEquals(commDestroysUnderQueuedWork, Glm4vSim.glm4vSimCommDestroyWhileQueuedCount(),
                "HcclCommDestroy of a communicator a queued collective still used");
    }

    /** Skips a test that uses the simulator's controls (fault injection, timeouts, live-object counts). */
    private static void assumeSimulator() {
        Assumptions.assumeTrue(AscendRuntime.isSimulator(), "needs libglm4v_cann_sim's controls");
    }

    private static Glm4vModel load(int tp, ExecutionMode mode) {
        Assumptions.assumeTrue(AscendBackend.deviceCount() >= tp, "needs " + tp + " cards");
        return Glm4vModel.load(BF16.resolve("checkpoint"), DeviceOptions.of("ascend", tp, 1).withMode(mode), null);
    }

    private static float[] prefill(Glm4vModel m) {
        Sequence seq = m.newSequence(TEXT_IDS.length + 4);
        return m.prefill(seq, TEXT_IDS, null, null);
    }

    @Test
    void aNonContiguousActivationGivenStraightToTheFusedOpFailsWithErr01005PinnedToOpAndLayer() {
        System.setProperty("glm4v.ascend.test.transposedContext", "true");
        System.setProperty("glm4v.ascend.test.noLayoutContract", "true");
        try (Glm4vModel m = load(2, ExecutionMode.LAUNCH_BLOCKING)) {
            EngineException e = assertThrows(EngineException.class, () -> prefill(m));
            assertEquals(ErrorCode.DEVICE_FAILED, e.code());
            String msg = e.getMessage();
            assertTrue(msg.matches("(?s)op matmul_allreduce self_attention\\.dense \\(text layer 0\\) failed on npu:[01]: .*"),
                    msg);
            for (String part : new String[] {"aclnnMatmulAllReduceGetWorkspaceSize failed with 161002", "ERR01005",
                    "Op MatmulAllReduce has 1 uncontiguous input, but set 0 auto conversion",
                    "BF16[" + TEXT_IDS.length + ", 32] strides [1, " + TEXT_IDS.length + "]"}) {
                assertTrue(msg.contains(part), "'" + part + "' missing from: " + msg);
            }
            assertTrue(m.group().isFailed());
        }
    }

    @Test
    void asynchronouslyTheSameHostSideFailureIsStillPinnedToItsOpWithoutTheHint() {
        // phase one (GetWorkspaceSize) refuses x1 on the host while the op is issued: the op is
        // known even in asynchronous mode, so the message names it instead of asking for --launch-blocking
        System.setProperty("glm4v.ascend.test.transposedContext", "true");
        System.setProperty("glm4v.ascend.test.noLayoutContract", "true");
        try (Glm4vModel m = load(2, ExecutionMode.ASYNC)) {
            EngineException e = assertThrows(EngineException.class, () -> prefill(m));
            assertEquals(ErrorCode.DEVICE_FAILED, e.code());
            String msg = e.getMessage();
            assertTrue(msg.matches("(?s)op matmul_allreduce self_attention\\.dense \\(text layer 0\\) failed on npu:[01]: .*"),
                    msg);
            assertTrue(msg.contains("ERR01005"), msg);
            assertTrue(msg.contains("x1=BF16[" + TEXT_IDS.length + ", 32] strides [1, " + TEXT_IDS.length + "]"), msg);
            assertTrue(msg.contains("bias=null"), msg);
            assertFalse(msg.contains("--launch-blocking"), msg);
        }
    }

    @Test
    void theLayoutContractCopiesTheSameActivationAndTheModelPasses() throws Exception {
        System.setProperty("glm4v.ascend.test.transposedContext", "true");
        JsonNode golden = JSON.readTree(Files.readString(BF16.resolve("golden.json")));
        try (Glm4vModel m = load(2, ExecutionMode.LAUNCH_BLOCKING)) {
            JsonNode actual = new EvalRunner(m).run(BF16.resolve("cases.json"));
            List<String> problems = AscendGoldenTest.compare(golden, actual, 2e-2);
            assertTrue(problems.isEmpty(), String.join("\n", problems));
            assertTrue(m.group().layout().contiguousCopies() > 0);
            String last = m.group().layout().lastCopy();
            assertTrue(last.startsWith("matmul_allreduce ") && last.contains("strides [1, "), last);
        }
    }

    @Test
    void anOpThatFailsWhileExecutingSurfacesAtSynchronizeOrAtTheOpInLaunchBlocking() {
        assumeSimulator();
        try (Glm4vModel m = load(2, ExecutionMode.ASYNC)) {
            assertEquals(0, Glm4vSim.glm4vSimInjectFault(1, "aclnnMatmul", 5, Glm4vSim.FAULT_FAIL));
            EngineException e = assertThrows(EngineException.class, () -> prefill(m));
            assertEquals(ErrorCode.DEVICE_FAILED, e.code());
            assertTrue(e.getMessage().startsWith("asynchronous error on npu:1, detected at "), e.getMessage());
            assertTrue(e.getMessage().contains("--launch-blocking"), e.getMessage());
        }
        Glm4vSim.glm4vSimClearFaults();
        try (Glm4vModel m = load(2, ExecutionMode.LAUNCH_BLOCKING)) {
            assertEquals(0, Glm4vSim.glm4vSimInjectFault(1, "aclnnMatmul", 5, Glm4vSim.FAULT_FAIL));
            EngineException e = assertThrows(EngineException.class, () -> prefill(m));
            assertTrue(e.getMessage().matches("(?s)op \\S+ \\(text layer \\d+\\) failed on npu:1: "
                    + "aclrtSynchronizeStream after aclnnMatmul failed with \\d+ \\[npu:1: .*"), e.getMessage());
        }
    }

    @Test
    void closingTheModelFreesEveryNativeObject() {
        assumeSimulator();
        long before = Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_ALL);
        try (Glm4vModel m = load(4, ExecutionMode.ASYNC)) {
            prefill(m);
            prefill(m);                               // two sequences with their KV caches on every card
            m.rebuild();                              // the old group's contexts, streams and comms go
            prefill(m);
            assertTrue(Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_ALLOCATIONS) > 0);
        }
        assertEquals(before, Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_ALL),
                "live native objects left: allocations " + Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_ALLOCATIONS)
                        + ", tensors " + Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_TENSORS)
                        + ", streams " + Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_STREAMS)
                        + ", contexts " + Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_CONTEXTS)
                        + ", comms " + Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_COMMS));
    }

    @Test
    void aHungCollectiveEndsInABoundedErrorAndTheRebuiltGroupAnswers() {
        assumeSimulator();
        float[] expected;
        try (Glm4vModel m = load(2, ExecutionMode.ASYNC)) {
            expected = prefill(m);
        }
        Glm4vSim.glm4vSimSetHcclTimeoutMs(1_000);
        Glm4vSim.glm4vSimSetOpTimeoutMs(4_000);
        DeviceOptions opts = DeviceOptions.of("ascend", 2, 1).withTimeout(Duration.ofSeconds(8));
        try (Glm4vModel m = Glm4vModel.load(BF16.resolve("checkpoint"), opts, null)) {
            assertEquals(0, Glm4vSim.glm4vSimInjectFault(1, "aclnnMatmulAllReduce", 1, Glm4vSim.FAULT_HANG));
            long t0 = System.nanoTime();
            EngineException e = assertThrows(EngineException.class, () -> prefill(m));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(e.code() == ErrorCode.DEVICE_FAILED || e.code() == ErrorCode.DEVICE_TIMEOUT, e.toString());
            assertTrue(ms < 12_000, "took " + ms + " ms");
            assertTrue(e.getMessage().contains("507048") || e.getMessage().contains("timed out"), e.getMessage());
            assertTrue(m.group().isFailed());
            EngineException refused = assertThrows(EngineException.class, () -> prefill(m));
            assertTrue(refused.getMessage().contains("rebuild"), refused.getMessage());
            Glm4vSim.glm4vSimClearFaults();
            m.rebuild();
            assertFalse(m.group().isFailed());
            assertArrayEquals(expected, prefill(m), "the rebuilt group computes the same logits");
        }
    }
    /** Live card threads of this JVM ("glm4v-npu-N-host"). */
    private static List<String> cardThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("glm4v-npu-")).toList();
    }

    @Test
    void inLaunchBlockingAPeersFailureEndsTheWaitInTheCollectiveAndCloseReturnsPromptly() {
        assumeSimulator();
        Assumptions.assumeTrue(AscendBackend.deviceCount() >= 2, "needs 2 cards");
        Glm4vSim.glm4vSimSetHcclTimeoutMs(60_000);        // HCCL's own timeout is far away (1800 s on a card)
        DeviceOptions opts = DeviceOptions.of("ascend", 2, 1).withMode(ExecutionMode.LAUNCH_BLOCKING)
                .withTimeout(Duration.ofSeconds(3));
        Glm4vModel m = Glm4vModel.load(BF16.resolve("checkpoint"), opts, null);
        long closeMs;
        try {
            // npu:1 fails its first fused row-parallel op; npu:0 is then waiting in that collective
            assertEquals(0, Glm4vSim.glm4vSimInjectFault(1, "aclnnMatmulAllReduce", 1, Glm4vSim.FAULT_FAIL));
            long t0 = System.nanoTime();
            EngineException e = assertThrows(EngineException.class, () -> prefill(m));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(ErrorCode.DEVICE_FAILED, e.code());
            assertTrue(e.getMessage().contains("failed on npu:1"), e.getMessage());
            assertTrue(e.getMessage().contains("aclnnMatmulAllReduce"), e.getMessage());
            assertTrue(ms < 3_000, "the failure took " + ms + " ms to report");
        } finally {
            long t1 = System.nanoTime();
            m.close();
            closeMs = (System.nanoTime() - t1) / 1_000_000;
        }
        assertTrue(closeMs < 2_000, "close took " + closeMs + " ms");
        assertEquals(List.of(), cardThreads(), "card threads still alive after close");
        assertEquals(0, Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_ALL), "native objects left after close");
    }
}
