package io.glm4vee.ascend.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glm4vee.ascend.acl.Acl;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * AscendCL's life in one class loader: the last holder finalises, so a later acquire initialises
 * afresh; and an AscendCL already initialised by someone else (another class loader of the JVM,
 * e.g. an application Liberty restarted) is used as it is (aclInit's 100002 is not fatal) and not
 * finalised by this loader.
 */
class RuntimeLifecycleTest {

    @BeforeEach
    void nobodyHoldsAscendCl() {
        AscendRuntime.loadNatives();
        assertEquals(0, AscendRuntime.holders(), "an earlier test left AscendCL held");
    }

    @Test
    void acquireCloseAcquireInitialisesAfresh() {
        for (int round = 0; round < 2; round++) {
            AscendRuntime rt = AscendRuntime.acquire();
            assertTrue(AscendRuntime.initializedHere());
            try (NpuCard card = rt.openCard(0, false)) {
                card.newTensor(DType.F32, 2, 2).upload(new float[] {1, 2, 3, 4});
            }
            rt.close();
            assertEquals(0, AscendRuntime.holders());
            // the last close finalised: a second aclFinalize is refused as not initialised
            assertEquals(Acl.ACL_ERROR_UNINITIALIZE, Acl.aclFinalize());
            AclException.recentErrMsg();
        }
        SimTestSupport.assertNoLiveObjects();
    }

    @Test
    void anAscendClInitialisedElsewhereIsUsedAndNotFinalised() {
        // "another class loader": initialises AscendCL directly, as its own AscendRuntime would
        assertEquals(0, Acl.aclInit((BytePointer) null));
        try {
            AscendRuntime rt = AscendRuntime.acquire();   // aclInit answers 100002 (ACL_ERROR_REPEAT_INITIALIZE)
            assertFalse(AscendRuntime.initializedHere());
            try (NpuCard card = rt.openCard(0, false)) {
                NpuTensor t = card.newTensor(DType.F32, 3);
                t.upload(new float[] {1, 2, 3});
                assertEquals(2f, t.downloadFloats()[1]);
            }
            assertEquals("", AclException.recentErrMsg(), "the repeated-initialisation text was consumed");
            rt.close();
            assertEquals(0, AscendRuntime.holders());
        } finally {
            // still initialised: this loader left aclFinalize to its owner
            assertEquals(0, Acl.aclFinalize(), "AscendCL was finalised by a loader that did not initialise it");
        }
        SimTestSupport.assertNoLiveObjects();
    }
}
