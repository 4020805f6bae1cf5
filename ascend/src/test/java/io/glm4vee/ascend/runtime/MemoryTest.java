package io.glm4vee.ascend.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glm4vee.ascend.acl.Acl;
import io.glm4vee.ascend.acl.Glm4vSim;
import java.util.concurrent.CompletableFuture;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Device memory: capacity, bounds of views, contexts, and nothing left behind after close. */
class MemoryTest {
    private AscendRuntime runtime;
    private NpuCard card;

    @BeforeEach
    void open() {
        runtime = AscendRuntime.acquire();
        card = runtime.openCard(0, false);
    }

    @AfterEach
    void close() {
        Glm4vSim.glm4vSimSetMemoryBytes(0);
        card.close();
        card.close(); // idempotent
        runtime.close();
        SimTestSupport.assertNoLiveObjects();
    }

    @Test
    void allocationsPastTheCardCapacityFailWithTheOutOfMemoryCode() {
        SimTestSupport.assumeSimulator();
        Glm4vSim.glm4vSimSetMemoryBytes(1 << 20);
        AclException tooBig = assertThrows(AclException.class, () -> card.allocate(2 << 20));
        assertEquals(Acl.ACL_ERROR_RT_MEMORY_ALLOCATION, tooBig.code());
        assertTrue(tooBig.nativeMessage().startsWith("EL0004"), tooBig.nativeMessage());
        DeviceBuffer a = card.allocate(600_000);
        assertEquals(1 << 20, card.memInfo()[1]);
        assertEquals((1 << 20) - 600_000, card.memInfo()[0]);
        assertThrows(AclException.class, () -> card.allocate(600_000)); // 1.2 MB in all
        a.close();
        card.allocate(600_000).close();                                 // fits again once freed
        // an op whose workspace does not fit: the executor built by GetWorkspaceSize is freed, not leaked
        try (NpuTensor x1 = card.newTensor(DType.BF16, 512, 4); NpuTensor x2 = card.newTensor(DType.BF16, 4, 512);
                NpuTensor out = card.newTensor(DType.BF16, 512, 512);
                HcclGroup solo = HcclGroup.create(java.util.List.of(card))) {
            AclException ws = assertThrows(AclException.class, () -> Ops.matmulAllReduce(solo, x1, x2, null, out));
            assertEquals(Acl.ACL_ERROR_RT_MEMORY_ALLOCATION, ws.code()); // 512*512*4 bytes of workspace > what is left
            assertEquals(0, Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_EXECUTORS));
        }
    }

    @Test
    void viewsReachingOutsideTheirAllocationAreRefused() {
        SimTestSupport.assumeSimulator(); // CANN's aclCreateTensor does not know allocation bounds
        DeviceBuffer buf = card.allocate(16 * 4); // 16 floats
        try (NpuTensor inside = NpuTensor.of(buf, DType.F32, 8, 2, 4)) {
            assertEquals(8, inside.numel());
        }
        AclException offsetPast = assertThrows(AclException.class, () -> NpuTensor.of(buf, DType.F32, 10, 2, 4));
        assertEquals("aclCreateTensor", offsetPast.call());
        assertTrue(offsetPast.nativeMessage().contains("reaches"), offsetPast.nativeMessage());
        assertThrows(AclException.class, () -> NpuTensor.of(buf, DType.F32, new long[] {4, 4}, new long[] {5, 1}, 0));
        // raw binding: a host address is no device memory
        try (FloatPointer host = new FloatPointer(4)) {
            Acl.aclTensor t = Acl.aclCreateTensor(new long[] {4}, 1, Acl.ACL_FLOAT, new long[] {1}, 0, Acl.ACL_FORMAT_ND,
                    new long[] {4}, 1, host);
            assertTrue(t == null || t.isNull());
            assertTrue(AclException.recentErrMsg().contains("outside its device allocation"));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> buf.upload(new float[17], 0));
    }

    @Test
    void fillAndAsynchronousDeviceToDeviceCopy() {
        DeviceBuffer a = card.allocate(16);
        DeviceBuffer b = card.allocate(16);
        a.upload(new float[] {1, 2, 3, 4}, 0);
        b.fill(0, 16, 0);
        b.copyFromAsync(a, 4, 8, 8);  // a's floats 1..2 to b's floats 2..3, on the stream
        assertArrayEqualsF(new float[] {0, 0, 2, 3}, b.downloadFloats(0, 4)); // the download waits for it
        assertThrows(IndexOutOfBoundsException.class, () -> b.copyFromAsync(a, 12, 0, 8));
    }

    private static void assertArrayEqualsF(float[] expected, float[] actual) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual);
    }

    @Test
    void aThreadWithoutAContextCannotAllocate() throws Exception {
        int rc = CompletableFuture.supplyAsync(() -> {
            try (PointerPointer<Pointer> p = new PointerPointer<>(1)) {
                return Acl.aclrtMalloc(p, 64, Acl.ACL_MEM_MALLOC_HUGE_FIRST);
            }
        }).get();
        assertEquals(Acl.ACL_ERROR_RT_CONTEXT_NULL, rc);
        // the owner layer makes the card's context current on whichever thread uses it
        DeviceBuffer b = CompletableFuture.supplyAsync(() -> card.allocate(64)).get();
        assertEquals(64, b.bytes());
    }

    @Test
    void closingTheCardFreesWhatWasLeftOpen() {
        SimTestSupport.assumeSimulator();
        NpuCard other = runtime.openCard(1, false);
        NpuTensor t = other.newTensor(DType.BF16, 8, 8);
        NpuTensor view = t.transpose(0, 1);
        other.allocate(1024);
        Ops.copy(other.newTensor(DType.BF16, 8, 8), view);
        assertTrue(Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_ALL) > 0);
        other.close();
        assertThrows(IllegalStateException.class, view::handle);
        assertThrows(IllegalStateException.class, () -> other.allocate(8));
        // only card 0's context and stream remain
        assertEquals(0, Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_ALLOCATIONS));
        assertEquals(0, Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_TENSORS));
        assertEquals(1, Glm4vSim.glm4vSimLiveObjects(Glm4vSim.LIVE_STREAMS));
    }
}
