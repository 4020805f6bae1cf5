package io.glm4vee.ascend.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rebuild on cards that hold the weights in their own memory frees the old group first: with
 * room for ~1.6 copies of a card's weights it still succeeds, and one that fails leaves the model
 * marked as needing a rebuild, which a later rebuild (with room again) clears.
 */
class AscendRebuildMemoryTest {
    private static final Path BF16 = AscendGoldenTest.FIXTURES.resolve("glm4v-tiny-a");
    private static final int[] TEXT_IDS = {1, 5, 9, 17, 33, 65, 2};

    @BeforeEach
    void simulator() {
        Assumptions.assumeTrue(AscendRuntime.isSimulator(), "sets the simulator's per-card memory");
        Assumptions.assumeTrue(AscendBackend.deviceCount() >= 2, "needs 2 cards");
    }

    @AfterEach
    void resetMemory() {
        Glm4vSim.glm4vSimSetMemoryBytes(0);              // back to the default (64 GiB)
    }

    private static int[] answer(Glm4vModel m) {
        return new Generator(m).generate(GenerationRequest.greedy(TEXT_IDS, null, 4), null, null).generatedIds();
    }

    @Test
    void aRebuildFitsInAboutOnePointSixTimesTheWeights() {
        try (Glm4vModel m = Glm4vModel.load(BF16.resolve("checkpoint"), DeviceOptions.of("ascend", 2, 1), null)) {
            int[] before = answer(m);
            long weights = Arrays.stream(m.weightBytesPerCard()).max().orElseThrow();
            assertTrue(weights > 0);
            Glm4vSim.glm4vSimSetMemoryBytes(weights * 16 / 10);
            m.rebuild();
            assertFalse(m.needsRebuild());
            assertArrayEqualsMsg(before, answer(m));
        }
        assertEquals(0, Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_ALL), "everything freed at close");
    }

    @Test
    void aRebuildThatFailsLeavesTheModelNeedingOne() {
        try (Glm4vModel m = Glm4vModel.load(BF16.resolve("checkpoint"), DeviceOptions.of("ascend", 2, 1), null)) {
            int[] before = answer(m);
            long weights = Arrays.stream(m.weightBytesPerCard()).max().orElseThrow();
            Glm4vSim.glm4vSimSetMemoryBytes(weights / 2);   // the weights no longer fit
            assertThrows(RuntimeException.class, m::rebuild);
            assertTrue(m.needsRebuild());
            EngineException e = assertThrows(EngineException.class, () -> answer(m));
            assertEquals(ErrorCode.DEVICE_FAILED, e.code());
            assertTrue(e.getMessage().contains("rebuild"), e.getMessage());
            Glm4vSim.glm4vSimSetMemoryBytes(0);
            m.rebuild();
            assertFalse(m.needsRebuild());
            assertArrayEqualsMsg(before, answer(m));
        }
        assertEquals(0, Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_ALL), "everything freed at close");
    }

    private static void assertArrayEqualsMsg(int[] expected, int[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, "same greedy answer after the rebuild");
    }
}
