package io.glm4vee.engine.parallel;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.Fixtures;
import io.glm4vee.engine.device.DeviceOptions;
import io.glm4vee.engine.device.ExecutionMode;
import io.glm4vee.engine.device.FaultInjector;
import io.glm4vee.engine.model.Glm4vModel;
import io.glm4vee.engine.model.Sequence;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Execution modes, card failures and hangs, and rebuilding a failed group. */
class DeviceFaultTest {
    private static final Path CKPT = Fixtures.resource("fixtures/glm4v-tiny-a/checkpoint");
    private static final int[] PROMPT = {322, 324, 327, 198, 5, 60, 100, 250, 301, 383, 0, 328};

    private static DeviceOptions twoCards(ExecutionMode mode, FaultInjector faults, Duration timeout) {
        return DeviceOptions.cpu(2, 1).withMode(mode).withFaults(faults).withTimeout(timeout);
    }

    private static float[] run(Glm4vModel m) {
        Sequence s = m.newSequence(PROMPT.length + 2);
        float[] l = m.prefill(s, PROMPT, null, null);
        return m.decode(s, io.glm4vee.engine.sampling.Sampler.argmax(l));
    }

    @Test
    void launchBlockingAndAsyncGiveIdenticalNumbers() {
        float[] async;
        float[] blocking;
        try (Glm4vModel m = Glm4vModel.load(CKPT, twoCards(ExecutionMode.ASYNC, null, Duration.ofSeconds(30)), null)) {
            async = run(m);
        }
        try (Glm4vModel m = Glm4vModel.load(CKPT, twoCards(ExecutionMode.LAUNCH_BLOCKING, null, Duration.ofSeconds(30)), null)) {
            blocking = run(m);
        }
        assertArrayEquals(async, blocking);
    }

    @Test
    void launchBlockingNamesTheFailingOpLayerCardShapesStridesAndDtype() {
        FaultInjector f = FaultInjector.parse(java.util.List.of("cpu:1:matmul_allreduce@1:throw"));
        try (Glm4vModel m = Glm4vModel.load(CKPT, twoCards(ExecutionMode.LAUNCH_BLOCKING, f, Duration.ofSeconds(30)), null)) {
            EngineException e = assertThrows(EngineException.class, () -> run(m));
            assertEquals(ErrorCode.DEVICE_FAILED, e.code());
            String msg = e.getMessage();
            assertTrue(msg.startsWith("op matmul_allreduce self_attention.dense (text layer 1) failed on cpu:1"), msg);
            // the activation slice (tokens, heads/2 · head_dim) and the bf16 weight slice, with strides
            assertTrue(msg.contains("operand 0: f32[12, 32] strides [32, 1]"), msg);
            assertTrue(msg.contains("operand 1: bf16[64, 32] strides [64, 1]"), msg);
            assertTrue(m.group().isFailed());
        }
    }

    @Test
    void asyncModeReportsAtTheNextSyncPointWithAHint() {
        FaultInjector f = FaultInjector.parse(java.util.List.of("cpu:1:matmul_allreduce@1:throw"));
        try (Glm4vModel m = Glm4vModel.load(CKPT, twoCards(ExecutionMode.ASYNC, f, Duration.ofSeconds(30)), null)) {
            EngineException e = assertThrows(EngineException.class, () -> run(m));
            assertEquals(ErrorCode.DEVICE_FAILED, e.code());
            String msg = e.getMessage();
            assertTrue(msg.startsWith("asynchronous error on cpu:1, detected at end of the text forward"), msg);
            assertTrue(msg.contains("--launch-blocking") && msg.contains("ASCEND_LAUNCH_BLOCKING=1"), msg);
            assertFalse(msg.contains("layer 1"), "async mode cannot pin the op: " + msg);
        }
    }

    @Test
    void aFailedCardFailsTheRequestAndARebuiltGroupServesAgain() {
        float[] healthy;
        try (Glm4vModel m = Glm4vModel.load(CKPT, DeviceOptions.cpu(2, 1), null)) {
            healthy = run(m);
        }
        FaultInjector f = FaultInjector.parse(java.util.List.of("cpu:0:attention@0:throw"));
        try (Glm4vModel m = Glm4vModel.load(CKPT, twoCards(ExecutionMode.ASYNC, f, Duration.ofSeconds(30)), null)) {
            assertEquals(ErrorCode.DEVICE_FAILED, assertThrows(EngineException.class, () -> run(m)).code());
            EngineException again = assertThrows(EngineException.class, () -> run(m));
            assertTrue(again.getMessage().contains("rebuild"), again.getMessage());
            m.rebuild();
            assertFalse(m.group().isFailed());
            assertArrayEquals(healthy, run(m));
        }
    }

    @Test
    void aHungCardFailsWithinTheTimeoutAndNoRankWaitsForever() {
        float[] healthy;
        try (Glm4vModel m = Glm4vModel.load(CKPT, DeviceOptions.cpu(2, 1), null)) {
            healthy = run(m);
        }
        FaultInjector f = FaultInjector.parse(java.util.List.of("cpu:1:attention@0:hang"));
        try (Glm4vModel m = Glm4vModel.load(CKPT, twoCards(ExecutionMode.ASYNC, f, Duration.ofMillis(400)), null)) {
            long t0 = System.nanoTime();
            EngineException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(EngineException.class, () -> run(m)));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertEquals(ErrorCode.DEVICE_TIMEOUT, e.code());
            assertTrue(e.getMessage().contains("cpu:1 did not finish") && e.getMessage().contains("attention (text layer 0)"),
                    e.getMessage());
            assertTrue(seconds < 5, "bounded: took " + seconds + " s");
            assertTrue(m.group().isFailed());
            m.rebuild();
            assertArrayEquals(healthy, run(m));
        }
    }

    @Test
    void launchBlockingIsSwitchedOnByFlagOrEitherVariable() {
        assertEquals(ExecutionMode.ASYNC, ExecutionMode.resolve(false, Map.of()));
        assertEquals(ExecutionMode.LAUNCH_BLOCKING, ExecutionMode.resolve(true, Map.of()));
        assertEquals(ExecutionMode.LAUNCH_BLOCKING, ExecutionMode.resolve(false, Map.of("GLM4V_LAUNCH_BLOCKING", "1")));
        assertEquals(ExecutionMode.LAUNCH_BLOCKING, ExecutionMode.resolve(false, Map.of("ASCEND_LAUNCH_BLOCKING", "1")));
        assertEquals(ExecutionMode.ASYNC, ExecutionMode.resolve(false, Map.of("ASCEND_LAUNCH_BLOCKING", "0")));
    }
}
