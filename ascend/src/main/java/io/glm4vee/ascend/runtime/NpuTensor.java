package io.glm4vee.ascend.runtime;

import io.glm4vee.ascend.acl.Acl;
import io.glm4vee.ascend.acl.Acl.aclTensor;
import java.util.Arrays;

/**
 * An {@code aclTensor}: a view of a {@link DeviceBuffer} with dims, strides and offset in elements
 * (outermost first, as in PyTorch). Views ({@link #view}, {@link #transpose}, {@link #narrow},
 * {@link #reshape}) share the buffer and copy nothing; each is its own {@code aclTensor} that its
 * {@link #close()} destroys (the buffer's close destroys any left). A tensor made by
 * {@link NpuCard#newTensor} owns its buffer and frees it when closed. The storage handed to
 * CANN is the whole buffer, so any view inside it is valid; one reaching outside is refused.
 */
public final class NpuTensor implements AutoCloseable {
    private final DeviceBuffer buffer;
    private final DType dtype;
    private final long[] dims;    // (outermost .. innermost)
    private final long[] strides; // elements
    private final long offset;    // elements from the buffer's start
    private final boolean ownsBuffer;
    private aclTensor handle;

    private NpuTensor(DeviceBuffer buffer, DType dtype, long[] dims, long[] strides, long offset, boolean ownsBuffer) {
        if (dims.length != strides.length) {
            throw new IllegalArgumentException("dims " + Arrays.toString(dims) + " vs strides " + Arrays.toString(strides));
        }
        this.buffer = buffer;
        this.dtype = dtype;
        this.dims = dims.clone();
        this.strides = strides.clone();
        this.offset = offset;
        this.ownsBuffer = ownsBuffer;
        long storage = buffer.bytes() / dtype.bytes();
        buffer.card().makeCurrent();
        aclTensor t = Acl.aclCreateTensor(this.dims, this.dims.length, dtype.aclType(), this.strides, offset,
                Acl.ACL_FORMAT_ND, new long[] {storage}, 1, buffer.address());
        if (t == null || t.isNull()) {
            throw new AclException("aclCreateTensor", Acl.ACLNN_ERR_PARAM_INVALID, AclException.recentErrMsg(),
                    describe());
        }
        this.handle = t;
        buffer.register(this);
    }

    /** A contiguous tensor over {@code buffer} from element {@code offset}. */
    public static NpuTensor of(DeviceBuffer buffer, DType dtype, long offset, long... dims) {
        return new NpuTensor(buffer, dtype, dims, contiguousStrides(dims), offset, false);
    }

    /** Any view over {@code buffer}. */
    public static NpuTensor of(DeviceBuffer buffer, DType dtype, long[] dims, long[] strides, long offset) {
        return new NpuTensor(buffer, dtype, dims, strides, offset, false);
    }

    static NpuTensor owning(DeviceBuffer buffer, DType dtype, long[] dims) {
        return new NpuTensor(buffer, dtype, dims, contiguousStrides(dims), 0, true);
    }

    public static long[] contiguousStrides(long[] dims) {
        long[] s = new long[dims.length];
        long acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc = Math.multiplyExact(acc, Math.max(1, dims[i]));
        }
        return s;
    }

    // ---- views ----
    public NpuTensor view(long[] newDims, long[] newStrides, long newOffset) {
        return new NpuTensor(buffer, dtype, newDims, newStrides, newOffset, false);
    }

    /** Same elements, dims {@code a} and {@code b} swapped (not contiguous unless trivial). */
    public NpuTensor transpose(int a, int b) {
        long[] d = dims.clone();
        long[] s = strides.clone();
        d[a] = dims[b];
        d[b] = dims[a];
        s[a] = strides[b];
        s[b] = strides[a];
        return view(d, s, offset);
    }

    /** Elements {@code start .. start+length-1} of dim {@code dim}. */
    public NpuTensor narrow(int dim, long start, long length) {
        if (start < 0 || length < 0 || start + length > dims[dim]) {
            throw new IndexOutOfBoundsException("narrow(" + dim + ", " + start + ", " + length + ") of " + describe());
        }
        long[] d = dims.clone();
        d[dim] = length;
        return view(d, strides, offset + start * strides[dim]);
    }

    /** The same contiguous elements with other dims. */
    public NpuTensor reshape(long... newDims) {
        if (!isContiguous()) {
            throw new IllegalStateException("reshape of a non-contiguous view " + describe() + ": copy it first");
        }
        long n = 1;
        for (long d : newDims) {
            n = Math.multiplyExact(n, d);
        }
        if (n != numel()) {
            throw new IllegalArgumentException("reshape " + describe() + " to " + Arrays.toString(newDims));
        }
        return view(newDims, contiguousStrides(newDims), offset);
    }

    // ---- layout ----
    /** Row-major dense (dims of size 1 may have any stride), like CANN's contiguity check. */
    public boolean isContiguous() {
        long expect = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            if (dims[i] != 1 && strides[i] != expect) {
                return false;
            }
            expect *= dims[i];
        }
        return true;
    }

    public long numel() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    public long[] dims() {
        return dims.clone();
    }

    public long dim(int i) {
        return dims[i];
    }

    public int rank() {
        return dims.length;
    }

    public long[] strides() {
        return strides.clone();
    }

    public long offset() {
        return offset;
    }

    public DType dtype() {
        return dtype;
    }

    public DeviceBuffer buffer() {
        return buffer;
    }

    public NpuCard card() {
        return buffer.card();
    }

    /** The {@code aclTensor} (for the bindings); owned by this object. */
    public aclTensor handle() {
        if (handle == null) {
            throw new IllegalStateException("closed tensor " + describe());
        }
        return handle;
    }

    /** e.g. {@code BF16[4, 8] strides [1, 4] offset 0 on npu:1}. */
    public String describe() {
        return dtype + Arrays.toString(dims) + " strides " + Arrays.toString(strides) + " offset " + offset + " on "
                + buffer.card();
    }

    // ---- host transfer of the viewed elements (contiguous views only) ----
    public void upload(float[] values) {
        requireContiguousOf(DType.F32, values.length);
        buffer.upload(values, offset * dtype.bytes());
    }

    public void upload(short[] values) {
        if (dtype != DType.BF16 && dtype != DType.F16) {
            throw new IllegalArgumentException("short[] upload into " + describe());
        }
        requireContiguousOf(dtype, values.length);
        buffer.upload(values, offset * dtype.bytes());
    }

    public void upload(int[] values) {
        requireContiguousOf(DType.I32, values.length);
        buffer.upload(values, offset * dtype.bytes());
    }

    public void upload(long[] values) {
        requireContiguousOf(DType.I64, values.length);
        buffer.upload(values, offset * dtype.bytes());
    }

    public float[] downloadFloats() {
        requireContiguousOf(DType.F32, numel());
        return buffer.downloadFloats(offset * dtype.bytes(), Math.toIntExact(numel()));
    }

    public short[] downloadShorts() {
        if (dtype != DType.BF16 && dtype != DType.F16) {
            throw new IllegalArgumentException("short[] download of " + describe());
        }
        requireContiguousOf(dtype, numel());
        return buffer.downloadShorts(offset * dtype.bytes(), Math.toIntExact(numel()));
    }

    private void requireContiguousOf(DType t, long count) {
        if (dtype != t || !isContiguous() || count != numel()) {
            throw new IllegalArgumentException(count + " " + t + " values for " + describe()
                    + " (host transfers take contiguous views of the same type and size)");
        }
    }

    void closeView() {
        aclTensor h;
        synchronized (this) {
            h = handle;
            handle = null;
        }
        if (h != null) {
            buffer.unregister(this);
            AclException.check(Acl.aclDestroyTensor(h), "aclDestroyTensor", describe());
        }
    }

    @Override
    public void close() {
        closeView();
        if (ownsBuffer) {
            buffer.close();
        }
    }

    @Override
    public String toString() {
        return "NpuTensor(" + describe() + ")";
    }
}
