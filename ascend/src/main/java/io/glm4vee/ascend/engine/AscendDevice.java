package io.glm4vee.ascend.engine;

import io.glm4vee.ascend.acl.Acl;
import io.glm4vee.ascend.runtime.AclException;
import io.glm4vee.ascend.runtime.AscendRuntime;
import io.glm4vee.ascend.runtime.NpuCard;
import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.device.FaultInjector;
import io.glm4vee.engine.device.Op;
import io.glm4vee.engine.device.QueuedDevice;
import io.glm4vee.engine.ops.Parallel;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One Ascend card as an engine {@link Device}: an {@link NpuCard} (its own AscendCL context and
 * one stream) driven by one host thread. AscendCL contexts are per thread, so every op of the
 * card (and its weights, KV caches and activations) is issued on that thread: launched engine
 * ops queue here in order, each runs its aclnn/HCCL calls, which queue on the card's stream.
 *
 * <p>Asynchronous by default: an op returns once its kernels are queued on the stream, and an
 * error while they execute is the stream's sticky error, reported when the host synchronises
 * ({@link #synchronize}), which queues a stream synchronisation here, bounded by the deadline.
 * In launch-blocking mode the card synchronises the stream after every aclnn op (see
 * {@code Ops}), so the op that failed raises, with its C call, shapes and strides and
 * {@code aclGetRecentErrMsg()}; the group adds the engine op and layer.
 */
public final class AscendDevice extends QueuedDevice {
    /** The engine op name of the stream synchronisation a host synchronize queues. */
    static final String SYNC_OP = "stream_synchronize";
    private static final long POLL_MILLIS = 100;

    private final int deviceId;
    private final java.util.function.BooleanSupplier groupAborted;
    private final ConcurrentLinkedQueue<Runnable> chores = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private final CompletableFuture<NpuCard> opened = new CompletableFuture<>();
    private volatile boolean closing;
    private volatile long syncDeadlineNanos;
    private final java.util.concurrent.atomic.AtomicBoolean syncQueued = new java.util.concurrent.atomic.AtomicBoolean();
    private NpuCard card;                  // card thread only
    private Kernels kernels;               // card thread only

    AscendDevice(String id, int rank, AscendRuntime runtime, boolean launchBlocking, FaultInjector faults,
                 Consumer<DeviceFailure> onFailure, java.util.function.BooleanSupplier groupAborted,
                 long timeoutMillis) {
        super(id, rank, faults, onFailure);
        this.groupAborted = groupAborted;
        this.deviceId = Integer.parseInt(id.substring(id.indexOf(':') + 1));
        this.thread = new Thread(() -> run(runtime, launchBlocking, timeoutMillis), "glm4v-" + id.replace(':', '-') + "-host");
        thread.setDaemon(true);
        thread.start();
        try {
            opened.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw new EngineException(ErrorCode.DEVICE_FAILED, "cannot open " + id + ": " + c.getMessage(), c);
        } catch (TimeoutException e) {
            thread.interrupt();
            throw new EngineException(ErrorCode.DEVICE_TIMEOUT, "opening " + id + " took more than "
                    + timeoutMillis + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(ErrorCode.DEVICE_FAILED, "interrupted while opening " + id);
        }
    }

    private void run(AscendRuntime runtime, boolean launchBlocking, long timeoutMillis) {
        try {
            card = runtime.openCard(deviceId, launchBlocking);
            // launch-blocking waits are bounded by the device timeout and end when the group is
            // aborted or this device closes, not at HCCL's execution timeout
            card.limitSynchronize(timeoutMillis, () -> closing || groupAborted.getAsBoolean());
            kernels = new Kernels(this, card, timeoutMillis);
            opened.complete(card);
        } catch (RuntimeException | Error e) {
            opened.completeExceptionally(e);
            return;
        }
        try {
            while (!closing) {
                Op op = queue.poll(50, TimeUnit.MILLISECONDS);
                runChores();
                if (op == null) {
                    continue;
                }
                runOp(op);
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // close(): the card thread gives up the op
        } finally {
            shutdownCard();
        }
    }

    private void runChores() {
        Runnable r;
        while ((r = chores.poll()) != null) {
            try {
                r.run();
            } catch (RuntimeException e) {
                // a chore frees memory of a sequence that is gone; a failure here leaves the
                // buffer to the card's close, which frees everything it still owns
            }
        }
    }

    private void shutdownCard() {
        // chores and the scope free memory only once the stream is idle; otherwise the card's
        // close destroys the stream first and then frees everything it still owns
        // (no wait at all when the group was aborted: a collective whose peer failed never drains)
        boolean idle = kernels != null && card != null && !groupAborted.getAsBoolean() && idleForShutdown();
        if (idle) {
            runChores();
            kernels.releaseScope();
        }
        if (card != null) {
            try {
                card.close(idle ? NpuCard.CLOSE_SYNC_MILLIS : 1); // frees weights, caches, workspace, stream, context
            } catch (RuntimeException e) {
                // the stream may hold the sticky error of a failed op; the card is gone either way
            }
        }
    }

    /** A short bounded wait (close() joins this thread for a few seconds); a sticky error counts as idle. */
    private boolean idleForShutdown() {
        try {
            card.synchronize(NpuCard.CLOSE_SYNC_MILLIS);
            return true;
        } catch (AclException e) {
            return e.code() != Acl.ACL_ERROR_RT_STREAM_SYNC_TIMEOUT;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Runs later on the card thread, between ops (e.g. freeing the KV cache of a dropped sequence). */
    void chore(Runnable r) {
        if (!closing) {
            chores.add(r);
        }
    }

    /** The card's kernels; only on the card thread (inside a launched op). */
    Kernels kernels() {
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException(id() + "'s kernels used from thread " + Thread.currentThread().getName());
        }
        return kernels;
    }

    NpuCard card() {
        return card;
    }

    int deviceId() {
        return deviceId;
    }

    /** Ops run on the card, not on host threads: one host thread issues them. */
    @Override
    public Parallel parallel() {
        return Parallel.SERIAL;
    }

    /** Queues a stream synchronisation bounded by the deadline, unless one is queued already. */
    @Override
    public void beginSynchronize(long deadlineNanos) {
        syncDeadlineNanos = deadlineNanos;
        if (failure() != null || groupAborted.getAsBoolean() || !syncQueued.compareAndSet(false, true)) {
            return;
        }
        launch(new Op(SYNC_OP, "", "device", -1, List::of, () -> {
            syncQueued.set(false);
            awaitStream(syncDeadlineNanos);
        }));
    }

    /**
     * Waits for every queued op, then for the card's stream (a stream synchronisation queued on
     * the card thread, bounded by the deadline): an error of an op that ran asynchronously on the
     * stream surfaces here, as the failure of {@value #SYNC_OP}. Once a peer's failure has aborted
     * the group, this card is not waited for: its stream may sit in a collective the failed card
     * never joins, and the group is failed anyway.
     */
    @Override
    public DeviceFailure synchronize(long deadlineNanos) throws DeviceTimeoutException {
        beginSynchronize(deadlineNanos);
        return awaitQueued(deadlineNanos, groupAborted, POLL_MILLIS);
    }

    /**
     * Waits (card thread) until the stream has run everything queued, in slices, so that it stops
     * at the deadline or as soon as the group is aborted; throws the stream's error.
     */
    void awaitStream(long deadlineNanos) {
        while (true) {
            long leftMs = (deadlineNanos - System.nanoTime()) / 1_000_000;
            try {
                card.synchronize((int) Math.max(1, Math.min(POLL_MILLIS, leftMs)));
                return;
            } catch (AclException e) {
                if (e.code() != Acl.ACL_ERROR_RT_STREAM_SYNC_TIMEOUT) {
                    throw new EngineException(ErrorCode.DEVICE_FAILED, "the stream of " + id() + " reported: "
                            + e.getMessage(), e);
                }
                if (groupAborted.getAsBoolean()) {
                    throw new EngineException(ErrorCode.DEVICE_FAILED, "stopped waiting for the stream of " + id()
                            + ": the device group was aborted", e);
                }
                if (leftMs <= POLL_MILLIS) {
                    throw new EngineException(ErrorCode.DEVICE_TIMEOUT, "the stream of " + id() + " did not finish in "
                            + "time: " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * Pinned to its op: a failure of an op's own host-side call (an aclnn phase one refusing its
     * arguments, a launch, an allocation), not of a stream synchronisation, which reports an
     * error of some earlier op that ran asynchronously.
     */
    @Override
    public boolean failedAtOp(DeviceFailure f) {
        if (SYNC_OP.equals(f.op().name())) {
            return false;
        }
        for (Throwable t = f.cause(); t != null; t = t.getCause()) {
            if (t instanceof AclException a) {
                return !a.call().startsWith("aclrtSynchronizeStream");
            }
        }
        return false;
    }

    /**
     * Stops the card thread, which then frees everything the card holds (weights, caches,
     * workspace, stream, context). A thread stuck in a native call that does not return within
     * a few seconds is left behind (daemon) with its card: freeing memory under a running
     * kernel would be worse than the leak.
     */
    @Override
    public void close() {
        closing = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return id();
    }
}
