package io.glm4vee.ascend.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glm4vee.ascend.acl.Acl;
import io.glm4vee.ascend.acl.Glm4vSim;
import io.glm4vee.ascend.acl.Hccl;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Asynchronous errors on streams, fault injection, HCCL collectives and their timeout. */
class StreamAndHcclTest {
    private AscendRuntime runtime;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void open() {
        runtime = AscendRuntime.acquire();
        Glm4vSim.glm4vSimSetHcclTimeoutMs(20_000);
    }

    @AfterEach
    void close() throws Exception {
        Glm4vSim.glm4vSimClearFaults();
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        Glm4vSim.glm4vSimSetHcclTimeoutMs(0);
        Glm4vSim.glm4vSimSetOpTimeoutMs(0);
        runtime.close();
        SimTestSupport.assertNoLiveObjects();
    }

    private <T extends AutoCloseable> T own(T c) {
        toClose.add(c);
        return c;
    }

    private List<NpuCard> cards(int n) {
        List<NpuCard> cards = new ArrayList<>();
        for (int d = 0; d < n; d++) {
            cards.add(own(runtime.openCard(d, false)));
        }
        return cards;
    }

    @Test
    void anErrorWhileExecutingShowsAtTheNextSynchronizeNotAtTheLaunch() {
        SimTestSupport.assumeSimulator();
        NpuCard card = own(runtime.openCard(0, false));
        NpuTensor weight = card.newTensor(DType.F32, 10, 4);
        weight.upload(new float[40]);
        NpuTensor ids = card.newTensor(DType.I64, 3);
        ids.upload(new long[] {1, 42, 2});
        NpuTensor out = card.newTensor(DType.F32, 3, 4);
        Ops.embedding(weight, ids, out); // queued: the index is only read on the stream
        NpuTensor more = card.newTensor(DType.F32, 3, 4);
        Ops.silu(out, more);             // queued behind the failing op; will be skipped
        AclException e = assertThrows(AclException.class, card::synchronize);
        assertEquals("aclrtSynchronizeStream", e.call());
        assertEquals(Acl.ACL_ERROR_RT_AICORE_EXCEPTION, e.code());
        assertTrue(e.nativeMessage().contains("aclnnEmbedding index 42"), e.nativeMessage());
        // sticky: the stream keeps reporting it
        AclException again = assertThrows(AclException.class, card::synchronize);
        assertEquals(Acl.ACL_ERROR_RT_AICORE_EXCEPTION, again.code());
    }

    @Test
    void launchBlockingPinsTheErrorToTheOp() {
        SimTestSupport.assumeSimulator();
        NpuCard card = own(runtime.openCard(1, true));
        NpuTensor weight = card.newTensor(DType.F32, 10, 4);
        NpuTensor ids = card.newTensor(DType.I32, 2);
        ids.upload(new int[] {0, -1});
        NpuTensor out = card.newTensor(DType.F32, 2, 4);
        AclException e = assertThrows(AclException.class, () -> Ops.embedding(weight, ids, out));
        assertEquals("aclrtSynchronizeStream after aclnnEmbedding", e.call());
        assertTrue(e.getMessage().contains("npu:1: weight=F32[10, 4] strides [4, 1] offset 0; indices=I32[2]"), e.getMessage());
    }

    @Test
    void anInjectedFailureHitsTheNthExecution() {
        SimTestSupport.assumeSimulator();
        NpuCard card = own(runtime.openCard(2, false));
        NpuTensor x = card.newTensor(DType.F32, 4);
        x.upload(new float[] {1, 2, 3, 4});
        NpuTensor y = card.newTensor(DType.F32, 4);
        assertEquals(0, Glm4vSim.glm4vSimInjectFault(2, "aclnnSilu", 2, Glm4vSim.FAULT_FAIL));
        Ops.silu(x, y);
        card.synchronize(); // the first one runs
        Ops.silu(x, y);
        AclException e = assertThrows(AclException.class, card::synchronize);
        assertEquals(Acl.ACL_ERROR_RT_AICORE_EXCEPTION, e.code());
        assertTrue(e.nativeMessage().contains("injected"), e.nativeMessage());
    }

    @Test
    void aHungOpTimesOutTheSynchronizeAndClosingTheCardReleasesIt() {
        SimTestSupport.assumeSimulator();
        NpuCard card = runtime.openCard(3, false);
        NpuTensor x = card.newTensor(DType.F32, 4);
        NpuTensor y = card.newTensor(DType.F32, 4);
        Glm4vSim.glm4vSimInjectFault(3, "aclnnSilu", 1, Glm4vSim.FAULT_HANG);
        Ops.silu(x, y);
        AclException e = assertThrows(AclException.class, () -> card.synchronize(200));
        assertEquals(Acl.ACL_ERROR_RT_STREAM_SYNC_TIMEOUT, e.code());
        long freesUnderQueuedWork = Glm4vSim.glm4vSimFreeWhileQueuedCount();
        long start = System.nanoTime();
        // the bounded synchronise times out, so close destroys the stream (the hung task gives up)
        // before it frees x and y, which the queued silu still uses: no free under queued work
        card.close();
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "closing a card with a hung op took too long");
        assertEquals(freesUnderQueuedWork, Glm4vSim.glm4vSimFreeWhileQueuedCount(),
                "NpuCard.close freed memory that the hung silu still used");
    }

    @Test
    void clearingFaultsLetsAHungOpFinishNormally() throws Exception {
        SimTestSupport.assumeSimulator();
        NpuCard card = own(runtime.openCard(4, false));
        NpuTensor x = card.newTensor(DType.F32, 2);
        x.upload(new float[] {2, -3});
        NpuTensor y = card.newTensor(DType.F32, 2);
        Glm4vSim.glm4vSimInjectFault(4, "aclnnMuls", 1, Glm4vSim.FAULT_HANG);
        Ops.muls(x, 10, y);
        assertEquals(Acl.ACL_ERROR_RT_STREAM_SYNC_TIMEOUT, assertThrows(AclException.class, () -> card.synchronize(100)).code());
        Glm4vSim.glm4vSimClearFaults();
        card.synchronize();
        assertArrayEquals(new float[] {20, -30}, y.downloadFloats());
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void allReduceAllGatherBroadcast(int ranks) throws Exception {
        SimTestSupport.assumeCards(runtime, ranks);
        List<NpuCard> cards = cards(ranks);
        HcclGroup group = own(HcclGroup.create(cards));
        assertEquals(ranks, group.size());
        float[][] gathered = new float[ranks][];
        float[][] reduced = new float[ranks][];
        short[][] reducedBf16 = new short[ranks][];
        int[][] broadcast = new int[ranks][];
        SimTestSupport.onEachRank(ranks, r -> {
            NpuCard card = cards.get(r);
            DeviceBuffer send = card.allocate(3 * 4);
            send.upload(new float[] {r, 10 * r, 0.5f}, 0);
            DeviceBuffer sum = card.allocate(3 * 4);
            DeviceBuffer all = card.allocate(3 * 4L * ranks);
            DeviceBuffer bf = card.allocate(2 * 2);
            bf.upload(new short[] {Reference.bf16(1f / 3), Reference.bf16(r + 1)}, 0);
            DeviceBuffer ints = card.allocate(2 * 4);
            ints.upload(new int[] {100 + r, -r}, 0);
            group.allReduce(card, send, sum, 3, DType.F32, Hccl.HCCL_REDUCE_SUM);
            group.allGather(card, send, all, 3, DType.F32);
            group.allReduce(card, bf, bf, 2, DType.BF16, Hccl.HCCL_REDUCE_SUM); // in place
            group.broadcast(card, ints, 2, DType.I32, 1);
            card.synchronize();
            reduced[r] = sum.downloadFloats(0, 3);
            gathered[r] = all.downloadFloats(0, 3 * ranks);
            reducedBf16[r] = bf.downloadShorts(0, 2);
            broadcast[r] = ints.downloadInts(0, 2);
        });
        float rankSum = ranks * (ranks - 1) / 2f;
        float oneThird = Reference.fromBf16(Reference.bf16(1f / 3));
        for (int r = 0; r < ranks; r++) {
            assertArrayEquals(new float[] {rankSum, 10 * rankSum, 0.5f * ranks}, reduced[r]);
            for (int q = 0; q < ranks; q++) {
                assertArrayEquals(new float[] {q, 10 * q, 0.5f}, java.util.Arrays.copyOfRange(gathered[r], 3 * q, 3 * q + 3));
            }
            assertEquals(Reference.bf16(oneThird * ranks), reducedBf16[r][0]);
            assertEquals(Reference.bf16(ranks * (ranks + 1) / 2f), reducedBf16[r][1]);
            assertArrayEquals(new int[] {101, -1}, broadcast[r]);
        }
    }

    @Test
    void aCollectiveOneRankNeverJoinsTimesOutWithABoundedErrorAndTheContextIsRebuilt() throws Exception {
        SimTestSupport.assumeSimulator();
        Glm4vSim.glm4vSimSetHcclTimeoutMs(300);
        List<NpuCard> cards = new ArrayList<>(List.of(runtime.openCard(0, false), runtime.openCard(1, false)));
        HcclGroup group = HcclGroup.create(cards);
        NpuCard card0 = cards.get(0);
        DeviceBuffer buf = card0.allocate(16);
        group.allReduce(card0, buf, buf, 4, DType.F32, Hccl.HCCL_REDUCE_SUM); // rank 1 never calls it
        long start = System.nanoTime();
        AclException e = assertThrows(AclException.class, card0::synchronize);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 5_000, "the timeout took " + ms + " ms");
        assertEquals(Acl.ACL_ERROR_HCCL_EXEC_TIMEOUT, e.code());
        assertTrue(e.nativeMessage().startsWith("EI0002"), e.nativeMessage());
        assertTrue(e.nativeMessage().contains("remote rank: [1]"), e.nativeMessage());
        // rebuild: the stream's error is sticky, so drop group and cards and open them again
        group.close();
        for (NpuCard c : cards) {
            c.close();
        }
        SimTestSupport.assertNoLiveObjects();
        List<NpuCard> fresh = cards(2);
        HcclGroup again = own(HcclGroup.create(fresh));
        float[][] result = new float[2][];
        SimTestSupport.onEachRank(2, r -> {
            NpuCard c = fresh.get(r);
            DeviceBuffer b = c.allocate(8);
            b.upload(new float[] {1, r}, 0);
            again.allReduce(c, b, b, 2, DType.F32, Hccl.HCCL_REDUCE_SUM);
            result[r] = b.downloadFloats(0, 2);
        });
        assertArrayEquals(new float[] {2, 1}, result[0]);
        assertArrayEquals(new float[] {2, 1}, result[1]);
    }

    @Test
    void aFaultInjectedHangInMatmulAllReduceFailsEveryRankInBoundedTime() throws Exception {
        SimTestSupport.assumeSimulator();
        Glm4vSim.glm4vSimSetHcclTimeoutMs(300);
        Glm4vSim.glm4vSimSetOpTimeoutMs(1_000);
        int ranks = 4;
        List<NpuCard> cards = cards(ranks);
        HcclGroup group = own(HcclGroup.create(cards));
        Glm4vSim.glm4vSimInjectFault(2, "aclnnMatmulAllReduce", 1, Glm4vSim.FAULT_HANG);
        AclException[] errors = new AclException[ranks];
        long start = System.nanoTime();
        SimTestSupport.onEachRank(ranks, r -> {
            NpuCard c = cards.get(r);
            NpuTensor x1 = c.newTensor(DType.BF16, 2, 4);
            NpuTensor x2 = c.newTensor(DType.BF16, 4, 3);
            NpuTensor out = c.newTensor(DType.BF16, 2, 3);
            Ops.matmulAllReduce(group, x1, x2, null, out);
            errors[r] = assertThrows(AclException.class, c::synchronize);
        });
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms < 10_000, "took " + ms + " ms");
        for (int r = 0; r < ranks; r++) {
            if (r == 2) {
                assertEquals(Acl.ACL_ERROR_RT_AICORE_TIMEOUT, errors[r].code(), errors[r].getMessage());
            } else {
                assertEquals(Acl.ACL_ERROR_HCCL_EXEC_TIMEOUT, errors[r].code(), errors[r].getMessage());
                assertTrue(errors[r].nativeMessage().contains("remote rank: [2]"), errors[r].nativeMessage());
            }
        }
    }
    @Test
    void aLaunchBlockingCollectiveWaitsOnlyAsLongAsItsBoundAndSaysWhatItWaitedFor() {
        SimTestSupport.assumeSimulator();
        NpuCard c0 = own(runtime.openCard(0, true));
        NpuCard c1 = own(runtime.openCard(1, true));
        HcclGroup group = own(HcclGroup.create(List.of(c0, c1)));
        DeviceBuffer buf = c0.allocate(4 * 4);
        buf.upload(new float[] {1, 2, 3, 4}, 0);
        // rank 1 never joins: HCCL would wait 20 s here (1800 s on a card); the bound is 400 ms
        c0.limitSynchronize(400, () -> false);
        long t0 = System.nanoTime();
        AclException e = assertThrows(AclException.class,
                () -> group.allReduce(c0, buf, buf, 4, DType.F32, Hccl.HCCL_REDUCE_SUM));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2_000, "waited " + ms + " ms");
        assertEquals(Acl.ACL_ERROR_RT_STREAM_SYNC_TIMEOUT, e.code());
        for (String part : new String[] {"HcclAllReduce", "npu:0", "count 4", "dtype F32", "device timeout of 400 ms"}) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
        }
        // an abort ends the wait at the next slice
        java.util.concurrent.atomic.AtomicBoolean aborted = new java.util.concurrent.atomic.AtomicBoolean(true);
        c0.limitSynchronize(60_000, aborted::get);
        t0 = System.nanoTime();
        AclException a = assertThrows(AclException.class, () -> c0.synchronizeBounded("HcclAllReduce", "npu:0 test"));
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 1_000);
        assertTrue(a.getMessage().contains("the device group was aborted"), a.getMessage());
    }
}
