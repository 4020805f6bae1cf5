package io.glm4vee.ascend.runtime;

import static io.glm4vee.ascend.runtime.Reference.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glm4vee.ascend.acl.Acl;
import io.glm4vee.ascend.acl.Glm4vSim;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fused row-parallel op: the seed failure (a non-contiguous x1 is refused with the field's
 * ERR01005 text) and the contiguous path matching one card's matmul on 2 and 4 cards.
 * Row-parallel: rank r holds x1[:, r*ks:(r+1)*ks] and the weight columns w[:, r*ks:(r+1)*ks]
 * of a (n, k) Linear weight; out = x1 @ w^T + bias = sum over r of x1_r @ w_r^T + bias.
 */
class MatmulAllReduceTest {
    private static final String FIELD_MESSAGE = "Op MatmulAllReduce has 1 uncontiguous input, but set 0 auto conversion";

    private AscendRuntime runtime;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @BeforeEach
    void open() {
        runtime = AscendRuntime.acquire();
        Glm4vSim.glm4vSimSetHcclTimeoutMs(20_000); // a bug here fails in seconds, not in HCCL's 30 minutes
    }

    @AfterEach
    void close() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        runtime.close();
        SimTestSupport.assertNoLiveObjects();
    }

    private List<NpuCard> cards(int n, boolean launchBlocking) {
        SimTestSupport.assumeCards(runtime, n);
        List<NpuCard> cards = new ArrayList<>();
        for (int d = 0; d < n; d++) {
            NpuCard c = runtime.openCard(d, launchBlocking);
            toClose.add(c);
            cards.add(c);
        }
        return cards;
    }

    private HcclGroup group(List<NpuCard> cards) {
        HcclGroup g = HcclGroup.create(cards);
        toClose.add(g);
        return g;
    }

    private static NpuTensor tensor(NpuCard card, DType t, float[] v, long... dims) {
        NpuTensor x = card.newTensor(t, dims);
        if (t == DType.F32) {
            x.upload(v);
        } else if (t == DType.BF16) {
            x.upload(Reference.toBf16(v));
        } else {
            short[] h = new short[v.length];
            for (int i = 0; i < v.length; i++) {
                h[i] = Float.floatToFloat16(v[i]);
            }
            x.upload(h);
        }
        return x;
    }

    private static float[] read(NpuTensor t) {
        short[] s = t.downloadShorts();
        float[] f = new float[s.length];
        for (int i = 0; i < s.length; i++) {
            f[i] = t.dtype() == DType.BF16 ? Reference.fromBf16(s[i]) : Float.float16ToFloat(s[i]);
        }
        return f;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void nonContiguousX1FailsWithTheFieldErrorAndContiguousPassesMatchingOneCard(boolean launchBlocking) throws Exception {
        int m = 4, k = 8, n = 6, ranks = 2, ks = k / ranks;
        float[] x = Reference.random(21, m * k), w = Reference.random(22, n * k);
        List<NpuCard> cards = cards(ranks, launchBlocking);
        HcclGroup group = group(cards);
        NpuTensor[] out = new NpuTensor[ranks];
        SimTestSupport.onEachRank(ranks, r -> {
            NpuCard card = cards.get(r);
            NpuTensor xFull = tensor(card, DType.BF16, x, m, k);
            NpuTensor xShard = xFull.narrow(1, r * ks, ks);   // the activation's column shard: a strided view
            NpuTensor wShard = tensor(card, DType.BF16, columns(w, n, k, r * ks, ks), n, ks);
            NpuTensor x2 = wShard.transpose(0, 1);              // (ks, n), transposed: allowed
            NpuTensor rankOut = card.newTensor(DType.BF16, m, n);
            out[r] = rankOut;
            assertFalse(xShard.isContiguous());

            AclException e = assertThrows(AclException.class, () -> Ops.matmulAllReduce(group, xShard, x2, null, rankOut));
            assertEquals("aclnnMatmulAllReduceGetWorkspaceSize", e.call());
            assertEquals(Acl.ACLNN_ERR_PARAM_INVALID, e.code());
            if (AscendRuntime.isSimulator()) { // ERR01005 is the prefix torch_npu put on CANN's text in the field
                assertTrue(e.nativeMessage().startsWith("ERR01005"), e.nativeMessage());
            }
            assertTrue(e.nativeMessage().contains(FIELD_MESSAGE), e.nativeMessage());
            // the exception pins the call to its card and the offending layout
            assertTrue(e.getMessage().contains("npu:" + r) && e.getMessage().contains("BF16[4, 4] strides [8, 1]"), e.getMessage());

            // a transposed x1 (stored (k, m)) is refused the same way
            NpuTensor xStoredT = tensor(card, DType.BF16, Reference.random(23, m * ks), ks, m);
            NpuTensor xT = xStoredT.transpose(0, 1);
            AclException eT = assertThrows(AclException.class, () -> Ops.matmulAllReduce(group, xT, x2, null, rankOut));
            assertTrue(eT.nativeMessage().contains(FIELD_MESSAGE), eT.nativeMessage());
            card.synchronize(); // nothing was queued: the stream is clean

            // the fix: make the shard contiguous first
            NpuTensor xDense = card.newTensor(DType.BF16, m, ks);
            Ops.copy(xDense, xShard);
            Ops.matmulAllReduce(group, xDense, x2, null, rankOut);
            card.synchronize();
        });
        // one card's matmul of the whole problem
        NpuCard one = cards.get(0);
        NpuTensor xAll = tensor(one, DType.BF16, x, m, k);
        NpuTensor wAll = tensor(one, DType.BF16, w, n, k);
        NpuTensor single = one.newTensor(DType.BF16, m, n);
        Ops.matmul(xAll, wAll.transpose(0, 1), single);
        float[] expected = read(single);
        for (int r = 0; r < ranks; r++) {
            assertClose(expected, read(out[r]), 8e-3, 1e-2);
        }
        assertArrayEquals(out[0].downloadShorts(), out[1].downloadShorts(), "every rank gets identical bits");
        assertClose(Reference.matmul(Reference.roundBf16(x), Reference.transpose(Reference.roundBf16(w), n, k), m, k, n),
                read(out[0]), 8e-3, 1e-2);
    }

    /** w (n, k) columns [start, start+len) as an (n, len) array */
    private static float[] columns(float[] w, int n, int k, int start, int len) {
        float[] s = new float[n * len];
        for (int i = 0; i < n; i++) {
            System.arraycopy(w, i * k + start, s, i * len, len);
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void onNCardsEqualsOneCardsMatmulPlusBias(int ranks) throws Exception {
        // CANN: output = allreduce(x1 @ x2 + bias), so a row-parallel layer passes its bias on rank 0 only
        matmulAllReduceAgainstOneCard(ranks, false);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4})
    void aBiasOnEveryRankIsSummedTpTimes(int ranks) throws Exception {
        // each rank's bias is added to its partial before the sum: out = x1 @ w^T + ranks * bias
        matmulAllReduceAgainstOneCard(ranks, true);
    }

    private void matmulAllReduceAgainstOneCard(int ranks, boolean biasOnEveryRank) throws Exception {
        for (DType t : new DType[] {DType.BF16, DType.F16}) {
            int b = 2, s = 3, k = 16, n = 5, ks = k / ranks;
            float[] x = Reference.random(31, b * s * k), w = Reference.random(32, n * k), bias = Reference.random(33, n);
            List<NpuCard> cards = cards(ranks, false);
            HcclGroup group = group(cards);
            NpuTensor[] out = new NpuTensor[ranks];
            // one thread per card, as the engine drives them; contexts are per thread
            SimTestSupport.onEachRank(ranks, rank -> {
                NpuCard card = cards.get(rank);
                float[] xs = new float[b * s * ks];
                for (int row = 0; row < b * s; row++) {
                    System.arraycopy(x, row * k + rank * ks, xs, row * ks, ks);
                }
                NpuTensor x1 = tensor(card, t, xs, b, s, ks);   // 3-D x1
                NpuTensor x2 = tensor(card, t, columns(w, n, k, rank * ks, ks), n, ks).transpose(0, 1);
                NpuTensor bt = rank == 0 || biasOnEveryRank ? tensor(card, t, bias, n) : null;
                out[rank] = card.newTensor(t, b, s, n);
                Ops.matmulAllReduce(group, x1, x2, bt, out[rank]);
                card.synchronize();
            });
            NpuCard one = cards.get(0);
            NpuTensor xAll = tensor(one, t, x, b * s, k);
            NpuTensor wAll = tensor(one, t, w, n, k);
            NpuTensor bAll = tensor(one, t, bias, n);
            NpuTensor mm = one.newTensor(t, b * s, n);
            NpuTensor single = one.newTensor(t, b * s, n);
            Ops.matmul(xAll, wAll.transpose(0, 1), mm);
            Ops.add(mm, bAll, biasOnEveryRank ? ranks : 1.0, single);
            float[] expected = read(single);
            for (int r = 0; r < ranks; r++) {
                assertClose(expected, read(out[r]), t == DType.BF16 ? 1.6e-2 : 2e-3, 2e-2);
                assertArrayEquals(out[0].downloadShorts(), out[r].downloadShorts(), "rank " + r + " differs from rank 0");
            }
            // release this dtype's round before the next (cards and group are in toClose)
            for (int i = toClose.size() - 1; i >= 0; i--) {
                toClose.get(i).close();
            }
            toClose.clear();
        }
    }

    @Test
    void theWorkspaceGrowsWithoutWaitingForTheStream() {
        // one thread drives both ranks and queues two rounds on rank 0 before rank 1's first: growing
        // rank 0's workspace for round 2 must not wait for round 1, which waits for rank 1
        List<NpuCard> cards = cards(2, false);
        HcclGroup group = group(cards);
        int k = 4, n = 3;
        long[] rounds = {2, 64};
        NpuTensor[][] out = new NpuTensor[2][2];
        float[] ones = new float[64 * k];
        java.util.Arrays.fill(ones, 1f);
        NpuTensor[][] x1 = new NpuTensor[2][2];
        NpuTensor[][] x2 = new NpuTensor[2][2];
        for (int r = 0; r < 2; r++) { // uploads first: an upload synchronises its card's stream
            for (int round = 0; round < 2; round++) {
                int m = (int) rounds[round];
                x1[r][round] = tensor(cards.get(r), DType.BF16, java.util.Arrays.copyOf(ones, m * k), m, k);
                x2[r][round] = tensor(cards.get(r), DType.BF16, java.util.Arrays.copyOf(ones, k * n), k, n);
                out[r][round] = cards.get(r).newTensor(DType.BF16, m, n);
            }
        }
        for (int r = 0; r < 2; r++) {
            for (int round = 0; round < 2; round++) {
                Ops.matmulAllReduce(group, x1[r][round], x2[r][round], null, out[r][round]);
            }
            assertTrue(cards.get(r).workspace().bytes() >= 64 * n * 4);
        }
        for (int r = 0; r < 2; r++) {
            for (int round = 0; round < 2; round++) {
                float[] expected = new float[(int) rounds[round] * n];
                java.util.Arrays.fill(expected, 2 * k); // each rank's dot product is k, summed over 2 ranks
                assertClose(expected, read(out[r][round]), 0, 0);
            }
        }
    }

    @Test
    void f32IsRefusedLikeTheRealOp() {
        List<NpuCard> cards = cards(2, false);
        HcclGroup group = group(cards);
        NpuCard c = cards.get(0);
        NpuTensor x1 = c.newTensor(DType.F32, 2, 4);
        NpuTensor x2 = c.newTensor(DType.F32, 4, 3);
        NpuTensor out = c.newTensor(DType.F32, 2, 3);
        AclException e = assertThrows(AclException.class, () -> Ops.matmulAllReduce(group, x1, x2, null, out));
        assertEquals(Acl.ACLNN_ERR_PARAM_INVALID, e.code());
        if (AscendRuntime.isSimulator()) {
            assertTrue(e.nativeMessage().contains("DT_FLOAT16 and DT_BF16 only"), e.nativeMessage());
        }
    }
}
