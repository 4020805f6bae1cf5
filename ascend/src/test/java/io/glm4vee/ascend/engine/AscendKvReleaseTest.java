package io.glm4vee.ascend.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glm4vee.ascend.acl.Glm4vSim;
import io.glm4vee.ascend.runtime.AscendRuntime;
import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.device.DeviceOptions;
import io.glm4vee.engine.generate.GenerationRequest;
import io.glm4vee.engine.generate.Generator;
import io.glm4vee.engine.model.Glm4vModel;
import io.glm4vee.engine.model.Sequence;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A dropped sequence's KV cache leaves the cards when it is dropped, not when the GC gets to it:
 * the simulator's count of live device objects returns to what the model alone holds.
 */
class AscendKvReleaseTest {
    private static final Path BF16 = AscendGoldenTest.FIXTURES.resolve("glm4v-tiny-a");
    private static final int[] TEXT_IDS = {1, 5, 9, 17, 33, 65, 2};

    /** Live objects settle to {@code expected} (the card threads free between their ops, within ~50 ms). */
    private static long settle(long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long live;
        while ((live = Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_ALL)) != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return live;
    }

    /** Live objects once they stop changing (two equal readings 200 ms apart: chores run every 50 ms). */
    private static long stable() throws InterruptedException {
        long before = Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_ALL);
        while (true) {
            Thread.sleep(200);
            long now = Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_ALL);
            if (now == before) {
                return now;
            }
            before = now;
        }
    }

    @Test
    void fiftyGeneratedSequencesAtTp2LeaveNoDeviceMemoryBehind() throws Exception {
        Assumptions.assumeTrue(AscendRuntime.isSimulator(), "counts the simulator's live objects");
        Assumptions.assumeTrue(AscendBackend.deviceCount() >= 2, "needs 2 cards");
        try (Glm4vModel m = Glm4vModel.load(BF16.resolve("checkpoint"), DeviceOptions.of("ascend", 2, 1), null)) {
            Generator g = new Generator(m);
            g.generate(GenerationRequest.greedy(TEXT_IDS, null, 3), null, null);   // warm: workspaces grown
            long baseline = stable();
            for (int i = 0; i < 50; i++) {
                g.generate(GenerationRequest.greedy(TEXT_IDS, null, 3), null, null);
            }
            assertEquals(baseline, settle(baseline), "device objects left by 50 dropped sequences");
        }
    }

    @Test
    void aReleasedSequenceFreesItsCacheAndIsRefused() throws Exception {
        Assumptions.assumeTrue(AscendRuntime.isSimulator(), "counts the simulator's live objects");
        Assumptions.assumeTrue(AscendBackend.deviceCount() >= 2, "needs 2 cards");
        try (Glm4vModel m = Glm4vModel.load(BF16.resolve("checkpoint"), DeviceOptions.of("ascend", 2, 1), null)) {
            Sequence warm = m.newSequence(16);
            m.prefill(warm, TEXT_IDS, null, null);
            warm.release();
            long baseline = stable();
            Sequence seq = m.newSequence(16);
            m.prefill(seq, TEXT_IDS, null, null);
            long withCache = Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_ALL);
            assertTrue(withCache > baseline, withCache + " live objects with a KV cache, " + baseline + " without");
            seq.release();
            seq.release();                                                   // idempotent
            assertEquals(baseline, settle(baseline));
            assertEquals(0, seq.kvBytes());
            EngineException e = assertThrows(EngineException.class, () -> m.decode(seq, 3));
            assertEquals(ErrorCode.BAD_REQUEST, e.code());
        }
    }
}
