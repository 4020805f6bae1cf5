package io.glm4vee.engine.device;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * What every card with an in-order op queue shares, whatever runs the ops: the queue, the
 * launched/completed count a host waits on, the sticky failure (after it, the card skips the
 * rest of its queue and reports the failure once, to the group), and the card's counters.
 * A subclass owns the thread that takes ops from {@link #queue} and hands each to {@link #runOp}.
 */
public abstract class QueuedDevice implements Device {
    private final String id;
    private final int rank;
    private final FaultInjector faults;
    private final Consumer<DeviceFailure> onFailure;
    /** Launched ops in order; the subclass's thread takes them. */
    protected final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    private final Object done = new Object();
    private final AtomicLong weightBytes = new AtomicLong();
    private final AtomicLong busyNanos = new AtomicLong();
    private final AtomicLong opsRun = new AtomicLong();
    private long launched;                 // guarded by done
    private long completed;                // guarded by done
    private volatile DeviceFailure failure;
    private volatile Op current;

    protected QueuedDevice(String id, int rank, FaultInjector faults, Consumer<DeviceFailure> onFailure) {
        this.id = id;
        this.rank = rank;
        this.faults = faults;
        this.onFailure = onFailure;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final int rank() {
        return rank;
    }

    @Override
    public void launch(Op op) {
        synchronized (done) {
            launched++;
        }
        queue.add(op);
    }

    /** The card's sticky failure, or null. */
    protected final DeviceFailure failure() {
        return failure;
    }

    /**
     * Runs op on the calling (card) thread unless the card has failed already, records a failure
     * (reported once, never swallowed) and counts the op as completed.
     *
     * @throws InterruptedException when the card is being closed or given up on; the op does not count
     */
    protected final void runOp(Op op) throws InterruptedException {
        if (failure == null) {
            current = op;
            long t0 = System.nanoTime();
            try {
                faults.beforeOp(id, op);
                op.kernel().run();
                opsRun.incrementAndGet();
            } catch (RuntimeException | Error e) {
                failure = new DeviceFailure(id, op, e);
                onFailure.accept(failure);
            } finally {
                current = null;
                busyNanos.addAndGet(System.nanoTime() - t0);
            }
        }
        synchronized (done) {
            completed++;
            done.notifyAll();
        }
    }

    /**
     * Waits until every launched op has completed, at most until deadlineNanos, waking at least
     * every maxWaitMillis to ask stopWaiting whether to give up early (then it returns the failure
     * as it is).
     *
     * @return the card's failure, or null
     */
    protected final DeviceFailure awaitQueued(long deadlineNanos, BooleanSupplier stopWaiting, long maxWaitMillis)
            throws DeviceTimeoutException {
        synchronized (done) {
            while (completed < launched) {
                if (stopWaiting.getAsBoolean()) {
                    return failure;
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    Op op = current;
                    throw new DeviceTimeoutException(id + " did not finish " + (launched - completed) + " queued op(s)"
                            + (op == null ? "" : "; it is stuck in " + op.where()));
                }
                try {
                    done.wait(Math.max(1, Math.min(maxWaitMillis, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DeviceTimeoutException("interrupted while waiting for " + id);
                }
            }
        }
        return failure;
    }

    @Override
    public final long pending() {
        synchronized (done) {
            return launched - completed;
        }
    }

    @Override
    public final Op current() {
        return current;
    }

    @Override
    public final long weightBytes() {
        return weightBytes.get();
    }

    @Override
    public final long busyNanos() {
        return busyNanos.get();
    }

    @Override
    public final long opsRun() {
        return opsRun.get();
    }

    @Override
    public final void addWeightBytes(long bytes) {
        weightBytes.addAndGet(bytes);
    }
}
