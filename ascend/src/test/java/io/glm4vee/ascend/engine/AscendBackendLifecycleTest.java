package io.glm4vee.ascend.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glm4vee.ascend.runtime.AscendRuntime;
import io.glm4vee.engine.device.DeviceGroup;
import io.glm4vee.engine.device.DeviceOptions;
import io.glm4vee.engine.model.Glm4vModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The backend holds AscendCL only while a group of its cards is open: closing the last model
 * releases it, so the class loader of a stopped application (Liberty restarts it on any config
 * change) leaves nothing initialised behind.
 */
class AscendBackendLifecycleTest {
    private static final Path BF16 = AscendGoldenTest.FIXTURES.resolve("glm4v-tiny-a");

    @Test
    void theLastGroupToCloseReleasesAscendCl() {
        AscendRuntime.loadNatives();
        assertEquals(0, AscendRuntime.holders());
        AscendBackend backend = new AscendBackend();
        DeviceGroup a = backend.openGroup(DeviceOptions.of("ascend", 2, 1));
        DeviceGroup b = backend.openGroup(DeviceOptions.of("ascend", 1, 1));
        assertTrue(AscendRuntime.initializedHere());
        a.close();
        assertEquals(1, AscendRuntime.holders(), "b still holds it");
        b.close();
        b.close();                                      // idempotent: releases once
        assertEquals(0, AscendRuntime.holders());
    }

    @Test
    void closingAModelReleasesAscendClAndEveryNativeObject() {
        AscendRuntime.loadNatives();
        for (int round = 0; round < 2; round++) {
            try (Glm4vModel m = Glm4vModel.load(BF16.resolve("checkpoint"), DeviceOptions.of("ascend", 2, 1), null)) {
                assertTrue(AscendRuntime.holders() > 0);
            }
            assertEquals(0, AscendRuntime.holders(), "round " + round);
        }
    }
}
