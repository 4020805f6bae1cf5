package io.glm4vee.ascend.runtime;

import io.glm4vee.ascend.acl.Acl;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Device memory from {@code aclrtMalloc} on one card, freed by {@link #close()} (or the card's).
 * Uploads and downloads are synchronous {@code aclrtMemcpy}s that first synchronise the card's
 * stream, so they never race queued ops; offsets are in bytes and checked here.
 */
public final class DeviceBuffer implements AutoCloseable {
    private static final long CHUNK = 1L << 30;
    private static final long STAGING = 64L << 20;

    private final NpuCard card;
    private final long bytes;
    private final Set<NpuTensor> tensors = new LinkedHashSet<>();
    private Pointer address;

    DeviceBuffer(NpuCard card, long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("device buffer of " + bytes + " bytes");
        }
        this.card = card;
        this.bytes = bytes;
        try (PointerPointer<Pointer> out = new PointerPointer<>(1)) {
            AclException.check(Acl.aclrtMalloc(out, bytes, Acl.ACL_MEM_MALLOC_HUGE_FIRST), "aclrtMalloc",
                    card + ", " + bytes + " bytes");
            this.address = new Pointer(out.get(0));
        }
        card.own(this);
    }

    public NpuCard card() {
        return card;
    }

    public long bytes() {
        return bytes;
    }

    /** The device address (for the bindings); owned by this buffer. */
    public Pointer address() {
        ensureOpen();
        return address;
    }

    /** The device address plus {@code offset} bytes. */
    BytePointer at(long offset) {
        return new BytePointer(address()).position(offset);
    }

    // ---- host to device ----
    public void upload(MemorySegment src, long dstOffset) {
        checkRange(dstOffset, src.byteSize());
        card.synchronize();
        for (long done = 0; done < src.byteSize();) {
            if (src.isNative()) {
                long n = Math.min(CHUNK, src.byteSize() - done);
                BytePointer host = new BytePointer(src.asSlice(done, n).asByteBuffer());
                copy(at(dstOffset + done), host, n, Acl.ACL_MEMCPY_HOST_TO_DEVICE);
                done += n;
            } else {
                long n = Math.min(STAGING, src.byteSize() - done);
                try (BytePointer staging = new BytePointer(n)) {
                    MemorySegment.copy(src, done, MemorySegment.ofBuffer(staging.asByteBuffer()), 0, n);
                    copy(at(dstOffset + done), staging, n, Acl.ACL_MEMCPY_HOST_TO_DEVICE);
                }
                done += n;
            }
        }
    }

    public void upload(float[] src, long dstOffset) {
        upload(MemorySegment.ofArray(src), dstOffset);
    }

    public void upload(short[] src, long dstOffset) {
        upload(MemorySegment.ofArray(src), dstOffset);
    }

    public void upload(int[] src, long dstOffset) {
        upload(MemorySegment.ofArray(src), dstOffset);
    }

    public void upload(long[] src, long dstOffset) {
        upload(MemorySegment.ofArray(src), dstOffset);
    }

    // ---- device to host ----
    public void download(long srcOffset, MemorySegment dst) {
        checkRange(srcOffset, dst.byteSize());
        card.synchronize();
        for (long done = 0; done < dst.byteSize();) {
            long n = Math.min(dst.isNative() ? CHUNK : STAGING, dst.byteSize() - done);
            if (dst.isNative()) {
                copy(new BytePointer(dst.asSlice(done, n).asByteBuffer()), at(srcOffset + done), n,
                        Acl.ACL_MEMCPY_DEVICE_TO_HOST);
            } else {
                try (BytePointer staging = new BytePointer(n)) {
                    copy(staging, at(srcOffset + done), n, Acl.ACL_MEMCPY_DEVICE_TO_HOST);
                    MemorySegment.copy(MemorySegment.ofBuffer(staging.asByteBuffer()), 0, dst, done, n);
                }
            }
            done += n;
        }
    }

    public float[] downloadFloats(long srcOffset, int count) {
        float[] out = new float[count];
        download(srcOffset, MemorySegment.ofArray(out));
        return out;
    }

    public short[] downloadShorts(long srcOffset, int count) {
        short[] out = new short[count];
        download(srcOffset, MemorySegment.ofArray(out));
        return out;
    }

    public int[] downloadInts(long srcOffset, int count) {
        int[] out = new int[count];
        download(srcOffset, MemorySegment.ofArray(out));
        return out;
    }

    /** {@code aclrtMemset} of {@code count} bytes from {@code offset} (after synchronising the stream). */
    public void fill(long offset, long count, int value) {
        checkRange(offset, count);
        card.synchronize();
        AclException.check(Acl.aclrtMemset(at(offset), bytes - offset, value, count), "aclrtMemset", toString());
    }

    /** Queues a device-to-device copy on the card's stream ({@code aclrtMemcpyAsync}). */
    public void copyFromAsync(DeviceBuffer src, long srcOffset, long dstOffset, long count) {
        checkRange(dstOffset, count);
        src.checkRange(srcOffset, count);
        card.makeCurrent();
        AclException.check(Acl.aclrtMemcpyAsync(at(dstOffset), bytes - dstOffset, src.at(srcOffset), count,
                Acl.ACL_MEMCPY_DEVICE_TO_DEVICE, card.stream()), "aclrtMemcpyAsync", toString());
    }

    private void copy(Pointer dst, Pointer src, long n, int kind) {
        card.makeCurrent();
        AclException.check(Acl.aclrtMemcpy(dst, n, src, n, kind), "aclrtMemcpy", toString());
    }

    void checkRange(long offset, long count) {
        ensureOpen();
        if (offset < 0 || count < 0 || offset > bytes || count > bytes - offset) {
            throw new IndexOutOfBoundsException("[" + offset + ", +" + count + ") outside " + this);
        }
    }

    synchronized void register(NpuTensor t) {
        ensureOpen();
        tensors.add(t);
    }

    synchronized void unregister(NpuTensor t) {
        tensors.remove(t);
    }

    private void ensureOpen() {
        if (address == null) {
            throw new IllegalStateException(this + " is closed");
        }
    }

    /** Destroys the tensors over this buffer, then frees it. */
    @Override
    public void close() {
        List<NpuTensor> views;
        synchronized (this) {
            if (address == null) {
                return;
            }
            views = new ArrayList<>(tensors);
        }
        for (NpuTensor t : views) {
            t.closeView();
        }
        Pointer a = address;
        address = null;
        card.disown(this);
        card.makeCurrent();
        AclException.check(Acl.aclrtFree(a), "aclrtFree", toString());
    }

    @Override
    public String toString() {
        return "DeviceBuffer(" + card + ", " + bytes + " bytes)";
    }
}
