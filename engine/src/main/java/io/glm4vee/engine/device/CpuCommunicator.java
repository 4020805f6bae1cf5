package io.glm4vee.engine.device;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;

import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Shared-memory collectives for CPU cards: each rank publishes its buffer, a barrier lets
 * everyone read all buffers, a second barrier keeps the buffers alive until every rank has
 * read them. A timeout or an abort terminates the barrier for all ranks at once, for good: a
 * rank that arrives after the abort fails at once too. (A CyclicBarrier reset would not do: a
 * rank that passed the abort check just before the reset would then wait out the timeout.)
 */
public final class CpuCommunicator implements Communicator {
    private final int size;
    private final long timeoutMillis;
    private final String[] ids;
    private final Phaser barrier;
    private final float[][] slots;
    private volatile String abortCause;

    public CpuCommunicator(String[] ids, long timeoutMillis) {
        this.size = ids.length;
        this.ids = ids.clone();
        this.timeoutMillis = timeoutMillis;
        this.barrier = new Phaser(size);
        this.slots = new float[size][];
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void allReduceSum(int rank, float[] buf, int off, int len) {
        if (size == 1) {
            return;
        }
        slots[rank] = buf;
        await(rank, "all-reduce");
        float[] sum = new float[len];
        for (int r = 0; r < size; r++) {             // rank order: identical sums on every rank
            float[] s = slots[r];
            for (int i = 0; i < len; i++) {
                sum[i] += s[off + i];
            }
        }
        await(rank, "all-reduce");
        System.arraycopy(sum, 0, buf, off, len);
    }

    @Override
    public void allGather(int rank, float[] part, float[] full) {
        if (full.length != (long) part.length * size) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH, "all-gather on " + ids[rank] + ": expected "
                    + part.length * size + " output elements, got " + full.length);
        }
        slots[rank] = part;
        await(rank, "all-gather");
        for (int r = 0; r < size; r++) {
            System.arraycopy(slots[r], 0, full, r * part.length, part.length);
        }
        await(rank, "all-gather");
    }

    @Override
    public void broadcast(int rank, int root, float[] buf) {
        if (size == 1) {
            return;
        }
        slots[rank] = buf;
        await(rank, "broadcast");
        if (rank != root) {
            System.arraycopy(slots[root], 0, buf, 0, buf.length);
        }
        await(rank, "broadcast");
    }

    @Override
    public void barrier(int rank) {
        await(rank, "barrier");
    }

    @Override
    public void abort(String cause) {
        abortCause = cause;
        barrier.forceTermination();                    // wakes every waiting rank; later arrivals return at once
    }

    private void await(int rank, String what) {
        if (abortCause != null) {
            throw aborted(rank, what);
        }
        int phase = barrier.arrive();
        try {
            if (phase < 0 || barrier.awaitAdvanceInterruptibly(phase, timeoutMillis, TimeUnit.MILLISECONDS) < 0) {
                throw aborted(rank, what);             // terminated: a peer failed or timed out
            }
        } catch (TimeoutException e) {
            String cause = what + " on " + ids[rank] + " waited " + timeoutMillis + " ms for its peers";
            abort(cause);
            throw new EngineException(ErrorCode.DEVICE_TIMEOUT, cause + " (a card stopped answering)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(ErrorCode.DEVICE_FAILED, what + " on " + ids[rank] + " interrupted");
        }
        if (abortCause != null) {
            throw aborted(rank, what);
        }
    }

    private EngineException aborted(int rank, String what) {
        return new EngineException(ErrorCode.DEVICE_FAILED, what + " on " + ids[rank] + " aborted: "
                + (abortCause == null ? "a peer left the collective" : abortCause));
    }
}
