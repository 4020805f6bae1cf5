package io.glm4vee.engine.device;

import io.glm4vee.engine.ops.Parallel;

import java.util.function.Consumer;

/**
 * A CPU "card": one stream thread runs the launched ops in order and computes with a worker
 * pool of its own (the stream thread plus threads - 1 workers), so a card owns its cores as an
 * NPU owns its compute. After a failure the card skips the rest of its queue (a sticky error,
 * as on an accelerator) and reports the failure once, to the group.
 */
public final class CpuDevice extends QueuedDevice {
    private final WorkerPool pool;
    private final Thread stream;

    public CpuDevice(String id, int rank, int threads, FaultInjector faults, Consumer<DeviceFailure> onFailure) {
        super(id, rank, faults, onFailure);
        this.pool = new WorkerPool("glm4v-" + id.replace(':', '-'), threads);
        this.stream = new Thread(this::runStream, "glm4v-" + id.replace(':', '-') + "-stream");
        stream.setDaemon(true);
        stream.start();
    }

    @Override
    public Parallel parallel() {
        return pool;
    }

    private void runStream() {
        try {
            while (true) {
                runOp(queue.take());
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // close(), or the group gave up on this card
        }
    }

    @Override
    public DeviceFailure synchronize(long deadlineNanos) throws DeviceTimeoutException {
        return awaitQueued(deadlineNanos, () -> false, Long.MAX_VALUE);
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
