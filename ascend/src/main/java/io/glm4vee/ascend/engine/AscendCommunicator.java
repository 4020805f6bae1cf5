package io.glm4vee.ascend.engine;

import io.glm4vee.ascend.runtime.DType;
import io.glm4vee.ascend.runtime.HcclGroup;
import io.glm4vee.ascend.runtime.NpuCard;
import io.glm4vee.ascend.runtime.NpuTensor;
import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.device.Communicator;
import io.glm4vee.engine.device.Device;

import java.util.ArrayList;
import java.util.List;

/**
 * The engine's {@link Communicator} over HCCL: one communicator per card from
 * {@code HcclCommInitAll}, collectives queued on each rank's stream by its card thread. The
 * model's own collectives work on device tensors ({@link #group()} for {@code Kernels} and
 * {@code aclnnMatmulAllReduce}'s group name); the host-array methods of the interface stage
 * through device memory, for callers that hold host buffers. A hung collective ends at HCCL's
 * execution timeout ({@code HCCL_EXEC_TIMEOUT}) as the stream's error, which the host sees at
 * its next synchronize; {@link #abort} makes every later collective fail at once.
 */
public final class AscendCommunicator implements Communicator, AutoCloseable {
    private final List<AscendDevice> cards;
    private final HcclGroup group;
    private volatile String abortCause;

    AscendCommunicator(List<Device> devices) {
        this.cards = new ArrayList<>();
        List<NpuCard> npus = new ArrayList<>();
        for (Device d : devices) {
            AscendDevice a = (AscendDevice) d;
            cards.add(a);
            npus.add(a.card());
        }
        this.group = HcclGroup.create(npus);
    }

    /** The HCCL group (its name is the {@code group} argument of aclnnMatmulAllReduce). */
    HcclGroup group() {
        check();
        return group;
    }

    @Override
    public int size() {
        return cards.size();
    }

    @Override
    public void allReduceSum(int rank, float[] buf, int off, int len) {
        if (size() == 1) {
            return;
        }
        Kernels k = cards.get(rank).kernels();
        NpuTensor t = k.tmp(DType.F32, len);
        k.upload(t, java.util.Arrays.copyOfRange(buf, off, off + len));
        k.allReduce(group(), t);
        System.arraycopy(k.downloadF32(t), 0, buf, off, len);
    }

    @Override
    public void allGather(int rank, float[] part, float[] full) {
        if (full.length != (long) part.length * size()) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH, "all-gather on " + cards.get(rank) + ": expected "
                    + (long) part.length * size() + " output elements, got " + full.length);
        }
        Kernels k = cards.get(rank).kernels();
        NpuTensor send = k.tmp(DType.F32, part.length);
        NpuTensor recv = k.tmp(DType.F32, full.length);
        k.upload(send, part);
        k.allGather(group(), send, recv);
        System.arraycopy(k.downloadF32(recv), 0, full, 0, full.length);
    }

    @Override
    public void broadcast(int rank, int root, float[] buf) {
        if (size() == 1) {
            return;
        }
        Kernels k = cards.get(rank).kernels();
        NpuTensor t = k.tmp(DType.F32, buf.length);
        if (rank == root) {
            k.upload(t, buf);
        }
        group().broadcast(k.card(), t.buffer(), buf.length, DType.F32, root);
        System.arraycopy(k.downloadF32(t), 0, buf, 0, buf.length);
    }

    @Override
    public void barrier(int rank) {
        Kernels k = cards.get(rank).kernels();
        NpuTensor t = k.tmp(DType.F32, 1);
        k.upload(t, new float[] {0f});
        k.allReduce(group(), t);
        k.drain();
    }

    @Override
    public void abort(String cause) {
        abortCause = cause;
    }

    boolean isAborted() {
        return abortCause != null;
    }

    private void check() {
        String c = abortCause;
        if (c != null) {
            throw new EngineException(ErrorCode.DEVICE_FAILED, "HCCL group " + group.name() + " aborted: " + c);
        }
    }

    /**
     * Refuses later collectives but destroys no communicator here: the closing thread is not a
     * card thread, and a card may still be running (or waiting in) a collective on its stream.
     * Each rank's communicator is destroyed by its own card thread when the device closes, after
     * its last op and once its stream is idle or destroyed ({@code NpuCard.close}).
     */
    @Override
    public void close() {
        group.refuseCollectives();
    }
}
