package io.glm4vee.ascend.engine;

import io.glm4vee.ascend.runtime.DType;
import io.glm4vee.ascend.runtime.HcclGroup;
import io.glm4vee.ascend.runtime.NpuCard;
import io.glm4vee.ascend.runtime.NpuTensor;
import io.glm4vee.ascend.runtime.Ops;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * What one card's ops need besides {@link Ops}: device tensors whose lifetime is one forward
 * (activations, scratch, and every view, each of which is its own {@code aclTensor}) are kept in
 * a scope and freed by {@link #releaseScope()} once the stream is idle at the end of the
 * forward; persistent tensors (weights, KV caches) are owned by the forward. Card thread only.
 */
final class Kernels {
    private final AscendDevice device;
    private final NpuCard card;
    private final List<NpuTensor> scope = new ArrayList<>();
    private final int syncTimeoutMs;

    Kernels(AscendDevice device, NpuCard card, long syncTimeoutMs) {
        this.device = device;
        this.card = card;
        this.syncTimeoutMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, syncTimeoutMs));
    }

    /**
     * Waits for the card's stream, at most the device timeout: host transfers synchronise the
     * stream first, and a stream stuck in a collective must not hold the card thread for
     * HCCL's own (much longer) execution timeout.
     */
    void drain() {
        device.awaitStream(System.nanoTime() + syncTimeoutMs * 1_000_000L);
    }

    /** Drains the stream (bounded); true when nothing queued runs any more (a sticky error counts as idle). */
    boolean streamIdle() {
        try {
            drain();
            return true;
        } catch (io.glm4vee.engine.EngineException e) {
            return e.getCause() instanceof io.glm4vee.ascend.runtime.AclException a
                    && a.code() != io.glm4vee.ascend.acl.Acl.ACL_ERROR_RT_STREAM_SYNC_TIMEOUT;
        }
    }

    NpuCard card() {
        return card;
    }

    AscendDevice device() {
        return device;
    }

    // ---- tensors ----

    /** A scratch tensor for this forward (contiguous, uninitialised). */
    NpuTensor tmp(DType dtype, long... dims) {
        return keep(card.newTensor(dtype, dims));
    }

    /** A tensor that outlives the forward (weights, KV cache); its owner closes it. */
    NpuTensor persistent(DType dtype, long... dims) {
        return card.newTensor(dtype, dims);
    }

    /** A view for this forward. */
    NpuTensor view(NpuTensor base, long[] dims, long[] strides, long offset) {
        return keep(base.view(dims, strides, offset));
    }

    NpuTensor narrow(NpuTensor t, int dim, long start, long length) {
        return keep(t.narrow(dim, start, length));
    }

    NpuTensor transpose(NpuTensor t, int a, int b) {
        return keep(t.transpose(a, b));
    }

    NpuTensor reshape(NpuTensor t, long... dims) {
        return keep(t.reshape(dims));
    }

    private NpuTensor keep(NpuTensor t) {
        scope.add(t);
        return t;
    }

    /**
     * Frees this forward's tensors once the stream is idle (real {@code aclrtFree} does not wait
     * for queued work); if the stream does not drain in time, they stay in the scope for a later
     * release or the card's close, which destroys the stream before it frees anything.
     */
    void releaseScope() {
        if (!streamIdle()) {
            return;
        }
        for (int i = scope.size() - 1; i >= 0; i--) {
            try {
                scope.get(i).close();
            } catch (RuntimeException e) {
                // freed with the card at the latest
            }
        }
        scope.clear();
    }

    /** Uploads host bytes (already in t's dtype, row-major) into contiguous t. */
    void upload(NpuTensor t, MemorySegment bytes) {
        if (!t.isContiguous() || bytes.byteSize() != t.numel() * t.dtype().bytes()) {
            throw new IllegalArgumentException(bytes.byteSize() + " bytes for " + t.describe());
        }
        drain();
        t.buffer().upload(bytes, t.offset() * t.dtype().bytes());
    }

    void upload(NpuTensor t, float[] values) {
        drain();
        t.upload(values);
    }

    void upload(NpuTensor t, long[] values) {
        drain();
        t.upload(values);
    }

    /** A host f32 copy of t (any float dtype, any layout), after the stream has run. */
    float[] downloadF32(NpuTensor t) {
        NpuTensor f = t;
        if (t.dtype() != DType.F32 || !t.isContiguous()) {
            f = tmp(DType.F32, t.dims());
            Ops.cast(t, f);
        }
        drain();
        return f.downloadFloats();
    }

    // ---- ops (thin, so the forward reads like the model) ----

    void matmul(NpuTensor x, NpuTensor w, NpuTensor out) {
        Ops.matmul(x, w, out);
    }

    void batchMatMul(NpuTensor a, NpuTensor b, NpuTensor out) {
        Ops.batchMatMul(a, b, out);
    }

    void add(NpuTensor a, NpuTensor b, NpuTensor out) {
        Ops.add(a, b, 1.0, out);
    }

    void mul(NpuTensor a, NpuTensor b, NpuTensor out) {
        Ops.mul(a, b, out);
    }

    void muls(NpuTensor a, double s, NpuTensor out) {
        Ops.muls(a, s, out);
    }

    void rmsNorm(NpuTensor x, NpuTensor gamma, double eps, NpuTensor out) {
        // rstd as CANN wants it: x's rank, x's leading dims, 1 for every dim gamma covers
        long[] rstdDims = x.dims().clone();
        for (int i = rstdDims.length - gamma.rank(); i < rstdDims.length; i++) {
            rstdDims[i] = 1;
        }
        Ops.rmsNorm(x, gamma, eps, out, tmp(DType.F32, rstdDims));
    }

    void layerNorm(NpuTensor x, NpuTensor w, NpuTensor b, double eps, NpuTensor out) {
        Ops.layerNorm(x, 1, w, b, eps, out, null, null);
    }

    void silu(NpuTensor x, NpuTensor out) {
        Ops.silu(x, out);
    }

    void gelu(NpuTensor x, NpuTensor out) {
        Ops.gelu(x, false, out);
    }

    void softmax(NpuTensor x, long dim, NpuTensor out) {
        Ops.softmax(x, dim, out);
    }

    void embedding(NpuTensor w, NpuTensor ids, NpuTensor out) {
        Ops.embedding(w, ids, out);
    }

    void cast(NpuTensor x, NpuTensor out) {
        Ops.cast(x, out);
    }

    void copy(NpuTensor dst, NpuTensor src) {
        Ops.copy(dst, src);
    }

    void rope(NpuTensor x, NpuTensor cos, NpuTensor sin, NpuTensor out) {
        Ops.rotaryPositionEmbedding(x, cos, sin, 1, out);
    }

    void matmulAllReduce(HcclGroup group, NpuTensor x1, NpuTensor x2, NpuTensor bias, NpuTensor out) {
        Ops.matmulAllReduce(group, x1, x2, bias, out);
    }

    /** In-place all-reduce (sum) of contiguous t over the group. */
    void allReduce(HcclGroup group, NpuTensor t) {
        requirePacked(t, "HcclAllReduce");
        group.allReduce(card, t.buffer(), t.buffer(), t.numel(), t.dtype(), io.glm4vee.ascend.acl.Hccl.HCCL_REDUCE_SUM);
    }

    /** recv (ranks x send.numel) := every rank's send, in rank order. */
    void allGather(HcclGroup group, NpuTensor send, NpuTensor recv) {
        requirePacked(send, "HcclAllGather");
        requirePacked(recv, "HcclAllGather");
        group.allGather(card, send.buffer(), recv.buffer(), send.numel(), send.dtype());
    }

    private static void requirePacked(NpuTensor t, String what) {
        if (!t.isContiguous() || t.offset() != 0) {
            throw new IllegalArgumentException(what + " takes whole contiguous buffers, got " + t.describe());
        }
    }
}
