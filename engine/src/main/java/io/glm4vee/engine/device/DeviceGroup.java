package io.glm4vee.engine.device;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.tensor.Tensor;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * N cards and their communicator: one tensor-parallel group. The host launches every op on
 * all ranks; ASYNC returns at once and reports a card's failure at the next synchronize,
 * LAUNCH_BLOCKING waits for each op and raises at the op that failed. Any failure or timeout
 * marks the group failed; it then refuses work until it is replaced (see Glm4vModel.rebuild).
 */
public final class DeviceGroup implements AutoCloseable {
    /** The kernel of one op, per rank. */
    @FunctionalInterface
    public interface RankKernel {
        void run(int rank, Device device);
    }

    /** Opens one card of a group; the card reports its failures to onFailure. */
    @FunctionalInterface
    public interface CardFactory {
        Device open(String id, int rank, Consumer<Device.DeviceFailure> onFailure);
    }

    /** Makes the communicator of a group once its cards are open. */
    @FunctionalInterface
    public interface CommFactory {
        Communicator open(List<Device> cards);
    }

    private final List<Device> devices = new ArrayList<>();
    private final Communicator comm;
    private final ExecutionMode mode;
    private final long timeoutNanos;
    private final LayoutStats layout = new LayoutStats();
    private final AtomicReference<String> failed = new AtomicReference<>();
    private final AtomicReference<Device.DeviceFailure> firstFailure = new AtomicReference<>();
    private volatile Communicator commRef;
    private volatile boolean reported;
    private final List<Runnable> afterClose = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean closedOnce = new java.util.concurrent.atomic.AtomicBoolean();

    private DeviceGroup(List<String> ids, ExecutionMode mode, Duration timeout, CardFactory cards, CommFactory comms) {
        this.mode = mode;
        this.timeoutNanos = timeout.toNanos();
        try {
            for (int r = 0; r < ids.size(); r++) {
                devices.add(cards.open(ids.get(r), r, this::onCardFailure));
            }
            this.comm = comms.open(List.copyOf(devices));
        } catch (RuntimeException | Error e) {
            for (int i = devices.size() - 1; i >= 0; i--) {
                devices.get(i).close();
            }
            throw e;
        }
        this.commRef = comm;
    }

    /**
     * A group of any backend's cards: the cards are opened in rank order, then the
     * communicator over them. A card that fails to open closes the ones opened before it.
     */
    public static DeviceGroup of(List<String> ids, ExecutionMode mode, Duration timeout, CardFactory cards,
                                 CommFactory comms) {
        DeviceIds.check(ids);
        return new DeviceGroup(List.copyOf(ids), mode == null ? ExecutionMode.ASYNC : mode, timeout, cards, comms);
    }

    /** A group of CPU cards, e.g. ids [cpu:0, cpu:1]. */
    public static DeviceGroup cpu(List<String> ids, int threadsPerCard, ExecutionMode mode, Duration timeout,
                                  FaultInjector faults) {
        DeviceIds.check(ids);
        if (threadsPerCard < 1) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "threads per card must be >= 1, got " + threadsPerCard);
        }
        FaultInjector f = faults == null ? FaultInjector.none() : faults;
        return of(ids, mode, timeout, (id, rank, onFailure) -> new CpuDevice(id, rank, threadsPerCard, f, onFailure),
                cards -> new CpuCommunicator(ids.toArray(String[]::new), timeout.toMillis()));
    }

    private void onCardFailure(Device.DeviceFailure f) {
        firstFailure.compareAndSet(null, f);
        failed.compareAndSet(null, f.device() + " failed in " + f.op().where() + ": " + f.cause().getMessage());
        Communicator c = commRef;
        if (c != null) {
            c.abort(f.device() + " failed");          // peers waiting in a collective stop now, not at their timeout
        }
    }

    public int size() {
        return devices.size();
    }

    public Device device(int rank) {
        return devices.get(rank);
    }

    public List<Device> devices() {
        return List.copyOf(devices);
    }

    public Communicator comm() {
        return comm;
    }

    public ExecutionMode mode() {
        return mode;
    }

    public LayoutStats layout() {
        return layout;
    }

    /** A fresh (rows, cols) f32 buffer for every rank. */
    public Tensor[] zerosPerRank(long rows, long cols) {
        Tensor[] t = new Tensor[devices.size()];
        for (int r = 0; r < t.length; r++) {
            t[r] = Tensor.zeros(rows, cols);
        }
        return t;
    }

    public boolean isFailed() {
        return failed.get() != null;
    }

    /** Why the group failed, or null. */
    public String failure() {
        return failed.get();
    }

    /**
     * Launches one op on every rank. operands(rank) lists the tensors the error message
     * describes; it is evaluated only after a failure.
     */
    public void launch(String name, String part, int layer, IntFunction<List<Tensor>> operands, RankKernel kernel) {
        launch(name, "", part, layer, operands, kernel);
    }

    /** Like the other launch; detail names what the op works on (a weight), for messages. */
    public void launch(String name, String detail, String part, int layer, IntFunction<List<Tensor>> operands,
                       RankKernel kernel) {
        checkUsable();
        for (Device d : devices) {
            int r = d.rank();
            d.launch(new Op(name, detail, part, layer, () -> operands == null ? List.of() : operands.apply(r),
                    () -> kernel.run(r, d)));
        }
        if (mode == ExecutionMode.LAUNCH_BLOCKING) {
            waitAll("launch of " + name);
            Device.DeviceFailure f = firstFailure.get();
            if (f != null) {
                reported = true;
                if (isTimeout(f)) {
                    throw timedOut(f, "launch of " + name);
                }
                throw failedAtOp(f);
            }
        }
    }

    private static EngineException failedAtOp(Device.DeviceFailure f) {
        return new EngineException(ErrorCode.DEVICE_FAILED, "op " + f.op().where() + " failed on " + f.device()
                + ": " + f.cause().getMessage() + operands(f.op()), f.cause());
    }

    private boolean pinned(Device.DeviceFailure f) {
        for (Device d : devices) {
            if (d.id().equals(f.device())) {
                return d.failedAtOp(f);
            }
        }
        return false;
    }

    /** A card that gave up waiting (its stream, a collective) reports a timeout, not an error of its own. */
    private static boolean isTimeout(Device.DeviceFailure f) {
        return f.cause() instanceof EngineException e && e.code() == ErrorCode.DEVICE_TIMEOUT;
    }

    private EngineException timedOut(Device.DeviceFailure f, String what) {
        String stuck = unfinished();
        return new EngineException(ErrorCode.DEVICE_TIMEOUT, "timed out at " + what + ": " + f.device() + " in "
                + f.op().where() + ": " + f.cause().getMessage() + (stuck.isEmpty() ? "" : "; " + stuck)
                + "; the device group is marked failed and must be rebuilt", f.cause());
    }

    private static String operands(Op op) {
        String d = op.describeOperands();
        return d.isEmpty() ? "" : " [" + d + "]";
    }

    /** Waits for every card; reports an asynchronous failure with a hint to use launch-blocking. */
    public void synchronize(String syncPoint) {
        checkUsable();
        waitAll(syncPoint);
        Device.DeviceFailure f = firstFailure.get();
        if (f != null) {
            reported = true;
            if (isTimeout(f)) {
                throw timedOut(f, syncPoint);
            }
            if (pinned(f)) {                    // failed host-side while issuing a known op: say which
                throw failedAtOp(f);
            }
            throw new EngineException(ErrorCode.DEVICE_FAILED, "asynchronous error on " + f.device() + ", detected at "
                    + syncPoint + ": " + f.cause().getMessage() + ". The op that failed is not pinned in asynchronous "
                    + "mode: rerun with --launch-blocking (GLM4V_LAUNCH_BLOCKING=1 or ASCEND_LAUNCH_BLOCKING=1) to "
                    + "stop at it", f.cause());
        }
    }

    private void waitAll(String what) {
        long deadline = System.nanoTime() + timeoutNanos;
        for (Device d : devices) {
            d.beginSynchronize(deadline);
        }
        for (Device d : devices) {
            try {
                d.synchronize(deadline);
            } catch (Device.DeviceTimeoutException e) {
                String msg = "timed out after " + timeoutNanos / 1_000_000 + " ms at " + what + ": " + unfinished();
                failed.compareAndSet(null, msg);
                reported = true;
                comm.abort(msg);
                throw new EngineException(ErrorCode.DEVICE_TIMEOUT, msg + "; the device group is marked failed and "
                        + "must be rebuilt");
            }
        }
    }

    /**
     * Before a failure has been reported to the host (asynchronous mode), launches are still
     * queued and skipped by the failed card; after it, the group refuses all work.
     */
    /** "cpu:0 did not finish 13 queued op(s), running matmul_allreduce ...; cpu:1 did not finish ..." */
    private String unfinished() {
        StringBuilder sb = new StringBuilder();
        for (Device d : devices) {
            long p = d.pending();
            if (p > 0) {
                Op op = d.current();
                sb.append(sb.isEmpty() ? "" : "; ").append(d.id()).append(" did not finish ").append(p)
                        .append(" queued op(s)").append(op == null ? "" : ", stuck in " + op.where());
            }
        }
        return sb.toString();
    }

    private void checkUsable() {
        if (reported) {
            throw new EngineException(ErrorCode.DEVICE_FAILED, "the device group has failed (" + failed.get()
                    + "); rebuild it");
        }
    }

    /**
     * Runs {@code action} once, after the cards have closed, when this group is first closed (e.g.
     * a backend releasing the runtime its cards needed). Returns this group.
     */
    public DeviceGroup afterClose(Runnable action) {
        afterClose.add(action);
        return this;
    }

    @Override
    public void close() {
        try {
            closeCards();
        } finally {
            if (closedOnce.compareAndSet(false, true)) {
                for (Runnable r : afterClose) {
                    try {
                        r.run();
                    } catch (RuntimeException e) {
                        // one failing release must not keep the next from running
                    }
                }
            }
        }
    }

    private void closeCards() {
        comm.abort("group closed");
        if (comm instanceof AutoCloseable c) {              // e.g. HCCL communicators: before their cards
            try {
                c.close();
            } catch (Exception e) {
                // the cards close next and take what is left with them
            }
        }
        for (int i = devices.size() - 1; i >= 0; i--) {
            devices.get(i).close();
        }
    }
}
