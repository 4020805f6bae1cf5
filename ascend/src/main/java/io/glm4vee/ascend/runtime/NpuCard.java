package io.glm4vee.ascend.runtime;

import io.glm4vee.ascend.acl.Acl;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * One Ascend card as this process uses it: its own context ({@code aclrtCreateContext}), one
 * stream, a grow-only {@link Workspace}, and every {@link DeviceBuffer} allocated through it
 * (closed with the card). Contexts are per thread: each call through the card first makes the
 * card's context current on the calling thread if it is not already. A card is used by one
 * thread at a time (the engine gives each card its own worker thread).
 *
 * <p>Launch-blocking mode ({@code ASCEND_LAUNCH_BLOCKING=1} in torch_npu) synchronises the
 * stream after every op, so an error executing an op is reported by that op's call.
 */
public final class NpuCard implements AutoCloseable {
    private static final ThreadLocal<NpuCard> CURRENT = new ThreadLocal<>();

    private final AscendRuntime runtime;
    private final int deviceId;
    private final boolean launchBlocking;
    private final Pointer context;
    private final Pointer stream;
    private final Workspace workspace;
    private final Set<AutoCloseable> owned = new LinkedHashSet<>();
    // scratch out-parameters of GetWorkspaceSize, reused by every op on this card
    final LongPointer workspaceSize = new LongPointer(1);
    final PointerPointer<Pointer> executor = new PointerPointer<>(1);
    private volatile boolean closed;
    // limits of synchronizeBounded (launch-blocking): set by the owner of the card thread
    private volatile long syncTimeoutMillis = Long.MAX_VALUE;
    private volatile java.util.function.BooleanSupplier syncAbort = () -> false;

    NpuCard(AscendRuntime runtime, int deviceId, boolean launchBlocking) {
        this.runtime = runtime;
        this.deviceId = deviceId;
        this.launchBlocking = launchBlocking;
        try (PointerPointer<Pointer> out = new PointerPointer<>(1)) {
            AclException.check(Acl.aclrtCreateContext(out, deviceId), "aclrtCreateContext", "npu:" + deviceId);
            this.context = new Pointer(out.get(0));
            CURRENT.set(this);
            int rc = Acl.aclrtCreateStream(out);
            if (rc != 0) {
                String msg = AclException.recentErrMsg();
                Acl.aclrtDestroyContext(context);
                CURRENT.remove();
                throw new AclException("aclrtCreateStream", rc, msg, "npu:" + deviceId);
            }
            this.stream = new Pointer(out.get(0));
        }
        this.workspace = new Workspace(this);
    }

    public int deviceId() {
        return deviceId;
    }

    public boolean launchBlocking() {
        return launchBlocking;
    }

    public AscendRuntime runtime() {
        return runtime;
    }

    /** Makes this card's context current on the calling thread (cheap when it already is). */
    public void makeCurrent() {
        ensureOpen();
        if (CURRENT.get() != this) {
            AclException.check(Acl.aclrtSetCurrentContext(context), "aclrtSetCurrentContext", toString());
            CURRENT.set(this);
        }
    }

    /** The card's stream, for the bindings ({@code aclrtStream}); owned by the card. */
    public Pointer stream() {
        ensureOpen();
        return stream;
    }

    /** The card's op workspace. */
    public Workspace workspace() {
        return workspace;
    }

    /** Waits for everything queued on the stream; throws the stream's (sticky) error. */
    public void synchronize() {
        makeCurrent();
        AclException.check(Acl.aclrtSynchronizeStream(stream), "aclrtSynchronizeStream", toString());
        workspace.releaseRetired();
    }

    /** As {@link #synchronize()}, giving up after {@code timeoutMs} (ACL_ERROR_RT_STREAM_SYNC_TIMEOUT). */
    public void synchronize(int timeoutMs) {
        makeCurrent();
        AclException.check(Acl.aclrtSynchronizeStreamWithTimeout(stream, timeoutMs),
                "aclrtSynchronizeStreamWithTimeout", toString());
        workspace.releaseRetired();
    }

    /** Slice of one wait in {@link #synchronizeBounded}: how soon it notices an abort or a close. */
    public static final int SYNC_SLICE_MILLIS = 100;

    /**
     * Limits of {@link #synchronizeBounded}: at most {@code timeoutMillis} per wait, and give up
     * as soon as {@code abort} answers true (e.g. the device group was aborted because a peer
     * failed, or the device is closing).
     */
    public void limitSynchronize(long timeoutMillis, java.util.function.BooleanSupplier abort) {
        if (timeoutMillis <= 0) {
            throw new IllegalArgumentException("sync timeout must be > 0 ms, got " + timeoutMillis);
        }
        this.syncTimeoutMillis = timeoutMillis;
        this.syncAbort = abort == null ? () -> false : abort;
    }

    /**
     * Waits for the stream like {@link #synchronize()}, but in {@value #SYNC_SLICE_MILLIS} ms slices
     * of {@code aclrtSynchronizeStreamWithTimeout}, so that it never sits out HCCL's execution timeout
     * (30 minutes) in a collective a failed peer never joins: it stops when the card is closing,
     * the calling thread is interrupted, the abort condition of {@link #limitSynchronize} holds,
     * or the sync timeout passes. Every error names {@code after} (the op or collective) and
     * {@code context} (card, shapes, count, dtype).
     */
    public void synchronizeBounded(String after, String context) {
        makeCurrent();
        long timeoutMillis = syncTimeoutMillis;
        long start = System.nanoTime();
        String call = "aclrtSynchronizeStream after " + after;   // in slices of aclrtSynchronizeStreamWithTimeout
        while (true) {
            long waited = (System.nanoTime() - start) / 1_000_000;
            long left = timeoutMillis == Long.MAX_VALUE ? SYNC_SLICE_MILLIS : timeoutMillis - waited;
            int rc = Acl.aclrtSynchronizeStreamWithTimeout(stream, (int) Math.max(1, Math.min(SYNC_SLICE_MILLIS, left)));
            if (rc == 0) {
                workspace.releaseRetired();
                return;
            }
            String msg = AclException.recentErrMsg();
            if (rc != Acl.ACL_ERROR_RT_STREAM_SYNC_TIMEOUT) {
                throw new AclException(call, rc, msg, context);
            }
            waited = (System.nanoTime() - start) / 1_000_000;
            String reason = closed ? "the card is closing"
                    : Thread.currentThread().isInterrupted() ? "the card thread was interrupted"
                    : syncAbort.getAsBoolean() ? "the device group was aborted (a peer failed)"
                    : waited >= timeoutMillis ? "the device timeout of " + timeoutMillis + " ms passed"
                    : null;
            if (reason != null) {
                throw new AclException(call, rc, "stopped waiting after " + waited + " ms: " + reason, context);
            }
        }
    }

    /** {@code aclrtGetMemInfo(ACL_HBM_MEM)}: {free, total} bytes. */
    public long[] memInfo() {
        makeCurrent();
        try (SizeTPointer free = new SizeTPointer(1); SizeTPointer total = new SizeTPointer(1)) {
            AclException.check(Acl.aclrtGetMemInfo(Acl.ACL_HBM_MEM, free, total), "aclrtGetMemInfo", toString());
            return new long[] {free.get(), total.get()};
        }
    }

    /** {@code aclrtMalloc}s {@code bytes} on this card; the buffer is freed by its close or the card's. */
    public DeviceBuffer allocate(long bytes) {
        makeCurrent();
        return new DeviceBuffer(this, bytes);
    }

    /** A new contiguous tensor with its own buffer (closing the tensor frees the buffer). */
    public NpuTensor newTensor(DType dtype, long... dims) {
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dim in " + java.util.Arrays.toString(dims));
            }
            n = Math.multiplyExact(n, d);
        }
        DeviceBuffer buffer = allocate(Math.max(1, Math.multiplyExact(n, dtype.bytes())));
        try {
            return NpuTensor.owning(buffer, dtype, dims);
        } catch (RuntimeException e) {
            buffer.close();
            throw e;
        }
    }

    synchronized void own(AutoCloseable c) {
        owned.add(c);
    }

    synchronized void disown(AutoCloseable c) {
        owned.remove(c);
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    /** How long {@link #close()} waits for queued work before it destroys the stream under it. */
    public static final int CLOSE_SYNC_MILLIS = 1_000;

    /**
     * Frees the buffers made through this card, its workspace, stream and context. Real
     * {@code aclrtFree} does not wait for the stream, so the stream is made idle first: a
     * synchronise bounded by {@link #CLOSE_SYNC_MILLIS} (and the sync timeout of
     * {@link #limitSynchronize}); if work is still queued after that (a hung kernel or collective),
     * the stream is destroyed (or, failing that, the device reset) before any memory is freed.
     */
    @Override
    public void close() {
        close(CLOSE_SYNC_MILLIS);
    }

    /**
     * As {@link #close()}, waiting at most {@code syncMillis} (at least 1) for the stream: an owner
     * that already knows the stream cannot drain (its collective's peer failed) passes 1.
     */
    public void close(int syncMillis) {
        List<AutoCloseable> children;
        synchronized (this) {
            if (closed) {
                return;
            }
            children = new ArrayList<>(owned);
        }
        makeCurrent();
        int rcStream = 0;
        String msgStream = "";
        boolean streamGone = false;
        int waitMs = (int) Math.max(1, Math.min(syncMillis, syncTimeoutMillis));
        if (Acl.aclrtSynchronizeStreamWithTimeout(stream, waitMs) == Acl.ACL_ERROR_RT_STREAM_SYNC_TIMEOUT) {
            AclException.recentErrMsg();
            // still busy: take the stream (and its queued work) down before freeing what it uses
            rcStream = Acl.aclrtDestroyStream(stream);
            streamGone = true;
            if (rcStream != 0) {
                msgStream = AclException.recentErrMsg();
                Acl.aclrtResetDevice(deviceId);
                AclException.recentErrMsg();
            }
        } else {
            AclException.recentErrMsg(); // a sticky error of an earlier op: the stream is idle all the same
        }
        RuntimeException failure = null;
        for (int i = children.size() - 1; i >= 0; i--) {
            try {
                children.get(i).close();
            } catch (Exception e) {
                failure = failure == null ? new IllegalStateException("closing " + this, e) : failure;
            }
        }
        workspace.close();
        if (!streamGone) {
            rcStream = Acl.aclrtDestroyStream(stream);
            msgStream = rcStream == 0 ? "" : AclException.recentErrMsg();
        }
        int rcContext = Acl.aclrtDestroyContext(context);
        String msgContext = rcContext == 0 ? "" : AclException.recentErrMsg();
        synchronized (this) {
            closed = true;
        }
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
        workspaceSize.close();
        executor.close();
        if (rcStream != 0) {
            throw new AclException("aclrtDestroyStream", rcStream, msgStream, toString());
        }
        if (rcContext != 0) {
            throw new AclException("aclrtDestroyContext", rcContext, msgContext, toString());
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "npu:" + deviceId;
    }
}
