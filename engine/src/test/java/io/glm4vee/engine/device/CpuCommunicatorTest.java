package io.glm4vee.engine.device;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The collectives on their own: values, rank order, and that nobody waits forever. */
class CpuCommunicatorTest {

    private static <T> List<T> onRanks(int n, IntFunction<T> body) throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> fs = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                fs.add(ex.submit(() -> body.apply(rank)));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : fs) {
                out.add(f.get());
            }
            return out;
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void allReduceSumsInRankOrderIdenticallyOnEveryRank() throws Exception {
        CpuCommunicator c = new CpuCommunicator(new String[] {"cpu:0", "cpu:1", "cpu:2"}, 5_000);
        // values whose f32 sum depends on the order: (1e8 + 1) - 1e8 = 0 but 1e8 - 1e8 + 1 = 1
        float[][] in = {{1e8f, 5f}, {1f, 6f}, {-1e8f, 7f}};
        List<float[]> out = onRanks(3, r -> {
            float[] buf = {0f, in[r][0], in[r][1], 0f};
            c.allReduceSum(r, buf, 1, 2);
            return buf;
        });
        float expected0 = (1e8f + 1f) + -1e8f;                 // rank order 0, 1, 2
        for (float[] b : out) {
            assertArrayEquals(new float[] {0f, expected0, 18f, 0f}, b);
        }
    }

    @Test
    void allGatherBroadcastAndBarrier() throws Exception {
        CpuCommunicator c = new CpuCommunicator(new String[] {"cpu:0", "cpu:1"}, 5_000);
        List<float[]> gathered = onRanks(2, r -> {
            float[] full = new float[4];
            c.allGather(r, new float[] {10 * r, 10 * r + 1}, full);
            return full;
        });
        for (float[] g : gathered) {
            assertArrayEquals(new float[] {0, 1, 10, 11}, g);
        }
        List<float[]> bc = onRanks(2, r -> {
            float[] buf = {r + 1f, r + 2f};
            c.broadcast(r, 1, buf);
            c.barrier(r);
            return buf;
        });
        assertArrayEquals(new float[] {2, 3}, bc.get(0));
        assertArrayEquals(new float[] {2, 3}, bc.get(1));
        EngineException e = assertThrows(EngineException.class, () -> c.allGather(0, new float[2], new float[3]));
        assertEquals(ErrorCode.SHAPE_MISMATCH, e.code());
    }

    @Test
    void aMissingPeerTimesOutAndAnAbortReleasesEveryone() {
        CpuCommunicator c = new CpuCommunicator(new String[] {"cpu:0", "cpu:1"}, 200);
        EngineException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(EngineException.class, () -> c.allReduceSum(0, new float[1], 0, 1)));
        assertEquals(ErrorCode.DEVICE_TIMEOUT, e.code());
        assertTrue(e.getMessage().contains("cpu:0 waited 200 ms"), e.getMessage());
        // the timeout aborted the group: the peer that comes late fails at once instead of waiting
        EngineException late = assertTimeoutPreemptively(Duration.ofSeconds(1),
                () -> assertThrows(EngineException.class, () -> c.barrier(1)));
        assertEquals(ErrorCode.DEVICE_FAILED, late.code());

        CpuCommunicator d = new CpuCommunicator(new String[] {"cpu:0", "cpu:1"}, 60_000);
        Thread aborter = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            d.abort("cpu:1 failed");
        });
        aborter.start();
        EngineException aborted = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(EngineException.class, () -> d.barrier(0)));
        assertTrue(aborted.getMessage().contains("cpu:1 failed"), aborted.getMessage());
    }

    @Test
    void deviceIdsAreValidated() {
        assertEquals(List.of("cpu:0", "cpu:1"), DeviceIds.parse("cpu:0, cpu:1"));
        assertEquals(List.of("npu:0", "npu:3"), DeviceIds.parse("npu:0,npu:3"));
        assertTrue(assertThrows(EngineException.class, () -> DeviceIds.parse("gpu:0")).getMessage().contains("gpu:0"));
        assertTrue(assertThrows(EngineException.class, () -> DeviceIds.parse("cpu:0,npu:1")).getMessage()
                .contains("mix backends"));
        assertEquals("ascend", new DeviceOptions(List.of("npu:0"), 1, null, null, null).backend());
        assertTrue(assertThrows(EngineException.class, () -> new DeviceOptions(List.of("npu:0"), 1, null, null, null,
                "cpu")).getMessage().contains("card npu:0 does not belong to backend cpu"));
        assertTrue(assertThrows(EngineException.class, () -> DeviceIds.parse("cpu:0,cpu:0")).getMessage().contains("twice"));
    }
}
