package io.glm4vee.engine.device;

import io.glm4vee.engine.ops.Parallel;

/**
 * One card: an execution queue that runs launched ops in order, the compute it runs them with,
 * and an account of the memory it holds. The CPU backend makes cards from threads; the Ascend
 * backend maps the same contract to an AscendCL context and stream.
 */
public interface Device extends AutoCloseable {
    /** "cpu:0", "npu:3". */
    String id();

    /** Rank in its group, 0-based. */
    int rank();

    /** The compute threads an op may use while it runs on this card. */
    Parallel parallel();

    /** Queues op; returns at once. A failed card skips the ops after its failure. */
    void launch(Op op);

    /**
     * Waits until every launched op has run, at most until deadlineNanos (System.nanoTime()).
     *
     * @return null when all ran and none failed; the failure otherwise
     * @throws DeviceTimeoutException when the deadline passed first
     */
    DeviceFailure synchronize(long deadlineNanos) throws DeviceTimeoutException;

    /**
     * Starts a synchronisation without waiting (the group calls it on every card before it waits
     * for any, so an accelerator's streams are all checked at once); the default does nothing.
     */
    default void beginSynchronize(long deadlineNanos) {
    }

    /** The op running now, or null. */
    Op current();

    /** Ops launched but not finished yet. */
    long pending();

    long weightBytes();

    /** Nanoseconds this card has spent running ops (a utilisation metric). */
    long busyNanos();

    /** Ops this card has run. */
    long opsRun();

    void addWeightBytes(long bytes);

    @Override
    void close();

    /** A failure recorded on a card: the op and the cause. */
    /**
     * True when failure f happened on the host while issuing its op (e.g. an operator refused
     * its arguments), so it is pinned to that op even in asynchronous mode; false when it surfaced
     * at a wait for the device (the op that failed is then unknown). The default knows neither.
     */
    default boolean failedAtOp(DeviceFailure f) {
        return false;
    }

    record DeviceFailure(String device, Op op, Throwable cause) {
    }

    /** Thrown by synchronize when the card did not finish in time. */
    final class DeviceTimeoutException extends Exception {
        private static final long serialVersionUID = 1L;

        public DeviceTimeoutException(String message) {
            super(message);
        }
    }
}
