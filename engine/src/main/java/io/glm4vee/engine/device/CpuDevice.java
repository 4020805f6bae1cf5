package io.glm4vee.engine.device;

import io.glm4vee.engine.ops.Parallel;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A CPU "card": one stream thread runs the launched ops in order and computes with a worker
 * pool of its own (the stream thread plus threads - 1 workers), so a card owns its cores as an
 * NPU owns its compute. After a failure the card skips the rest of its queue (a sticky error,
 * as on an accelerator) and reports the failure once, to the group.
 */
public final class CpuDevice implements Device {
    private final String id;
    private final int rank;
    private final WorkerPool pool;
    private final FaultInjector faults;
    private final Consumer<DeviceFailure> onFailure;
    private final LinkedBlockingQueue<Op> queue = new LinkedBlockingQueue<>();
    private final Thread stream;
    private final Object done = new Object();
    private final AtomicLong weightBytes = new AtomicLong();
    private final AtomicLong busyNanos = new AtomicLong();
    private final AtomicLong opsRun = new AtomicLong();
    private long launched;                 // guarded by done
    private long completed;                // guarded by done
    private volatile DeviceFailure failure;
    private volatile Op current;

    public CpuDevice(String id, int rank, int threads, FaultInjector faults, Consumer<DeviceFailure> onFailure) {
        this.id = id;
        this.rank = rank;
        this.faults = faults;
        this.onFailure = onFailure;
        this.pool = new WorkerPool("glm4v-" + id.replace(':', '-'), threads);
        this.stream = new Thread(this::runStream, "glm4v-" + id.replace(':', '-') + "-stream");
        stream.setDaemon(true);
        stream.start();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int rank() {
        return rank;
    }

    @Override
    public Parallel parallel() {
        return pool;
    }

    @Override
    public void launch(Op op) {
        synchronized (done) {
            launched++;
        }
        queue.add(op);
    }

    private void runStream() {
        try {
            while (true) {
                Op op = queue.take();
                if (failure == null) {
                    current = op;
                    long t0 = System.nanoTime();
                    try {
                        faults.beforeOp(id, op);
                        op.kernel().run();
                        opsRun.incrementAndGet();
                    } catch (InterruptedException e) {
                        return;                                  // close() or the group gave up on this card
                    } catch (RuntimeException | Error e) {       // recorded, reported once, never swallowed
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
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // close()
        }
    }

    @Override
    public DeviceFailure synchronize(long deadlineNanos) throws DeviceTimeoutException {
        synchronized (done) {
            while (completed < launched) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    Op op = current;
                    throw new DeviceTimeoutException(id + " did not finish " + (launched - completed) + " queued op(s)"
                            + (op == null ? "" : "; it is stuck in " + op.where()));
                }
                try {
                    done.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DeviceTimeoutException("interrupted while waiting for " + id);
                }
            }
        }
        return failure;
    }

    @Override
    public long pending() {
        synchronized (done) {
            return launched - completed;
        }
    }

    @Override
    public Op current() {
        return current;
    }

    @Override
    public long weightBytes() {
        return weightBytes.get();
    }

    @Override
    public long busyNanos() {
        return busyNanos.get();
    }

    @Override
    public long opsRun() {
        return opsRun.get();
    }

    @Override
    public void addWeightBytes(long bytes) {
        weightBytes.addAndGet(bytes);
    }

    /** Stops the stream thread (also a hung one, by interrupting it) and the worker pool. */
    @Override
    public void close() {
        stream.interrupt();
        try {
            stream.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        pool.close();
    }
}
