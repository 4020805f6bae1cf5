package io.glm4vee.engine.tensor;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A strided view over a block of memory: dtype, shape (outermost first, PyTorch order),
 * strides in elements and an element offset. Views (narrow, transpose, permute, select,
 * view) change metadata only; {@link #contiguous()} is the one explicit copy.
 *
 * <p>Storage is a {@link MemorySegment}: memory-mapped checkpoint bytes for weights, a heap
 * {@code float[]} for activations. Offsets and strides are {@code long}, since real
 * checkpoints exceed 2 GiB.
 */
public final class Tensor {
    static final ValueLayout.OfFloat F32_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final DType dtype;
    private final long[] shape;
    private final long[] strides;
    private final long offset;
    private final MemorySegment storage;
    /** The backing array when this is a heap F32 tensor, so hot loops can index it directly. */
    private final float[] array;

    private Tensor(DType dtype, long[] shape, long[] strides, long offset, MemorySegment storage,
                   float[] array) {
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
        this.storage = storage;
        this.array = array;
    }

    // ------------------------------------------------------------------ factories

    /** A new zero-filled F32 tensor on the heap. */
    public static Tensor zeros(long... shape) {
        long n = checkedNumel(shape);
        if (n > Integer.MAX_VALUE - 16) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH,
                    "activation tensor " + Arrays.toString(shape) + " has " + n
                            + " elements, more than one heap array can hold");
        }
        return of(new float[(int) n], shape);
    }

    /** Wraps a float array (not copied) as a contiguous F32 tensor. */
    public static Tensor of(float[] data, long... shape) {
        long n = checkedNumel(shape);
        if (n != data.length) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH,
                    "shape " + Arrays.toString(shape) + " needs " + n + " elements, array has "
                            + data.length);
        }
        return new Tensor(DType.F32, shape.clone(), rowMajorStrides(shape), 0,
                MemorySegment.ofArray(data), data);
    }

    /** Wraps raw little-endian bytes (e.g. a mapped safetensors slice) without copying. */
    public static Tensor wrap(MemorySegment bytes, DType dtype, long... shape) {
        long n = checkedNumel(shape);
        if (bytes.byteSize() != n * dtype.byteSize()) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH,
                    dtype + Arrays.toString(shape) + " needs " + n * dtype.byteSize()
                            + " bytes, segment has " + bytes.byteSize());
        }
        return new Tensor(dtype, shape.clone(), rowMajorStrides(shape), 0, bytes, null);
    }

    static long checkedNumel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new EngineException(ErrorCode.SHAPE_MISMATCH,
                        "negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    static long[] rowMajorStrides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(shape[i], 1);
        }
        return s;
    }

    // ------------------------------------------------------------------ metadata

    public DType dtype() {
        return dtype;
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i < 0 ? shape.length + i : i];
    }

    /** dim(i) as an int, for activation sizes that index heap arrays. */
    public int size(int i) {
        return Math.toIntExact(dim(i));
    }

    public long stride(int i) {
        return strides[i < 0 ? strides.length + i : i];
    }

    public long[] shape() {
        return shape.clone();
    }

    public long[] strides() {
        return strides.clone();
    }

    /** Offset of element [0, 0, ...] into the storage, in elements. */
    public long offset() {
        return offset;
    }

    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    public MemorySegment storage() {
        return storage;
    }

    /** The heap array behind an F32 tensor, or null for mapped/other storage. */
    public float[] array() {
        return array;
    }

    // ------------------------------------------------------------------ layout predicates

    /** Packed row-major: the layout every kernel and every collective expects. */
    public boolean isContiguous() {
        return isRowMajorFrom(0);
    }

    /**
     * Dimensions {@code dim..rank-1} are packed row-major (the last has stride 1 and each
     * stride equals the next dimension's extent times its stride). Outer dimensions may have
     * any stride, so a narrowed weight slice [N, k0:k1] is row-major from dim 1.
     */
    public boolean isRowMajorFrom(int dim) {
        long expect = 1;
        for (int i = shape.length - 1; i >= dim; i--) {
            if (shape[i] != 1 && strides[i] != expect) {
                return false;
            }
            expect *= shape[i];
        }
        return true;
    }

    /** True when the last two dimensions are swapped relative to row-major (a transposed view). */
    public boolean isTransposed() {
        int r = shape.length;
        return r >= 2 && strides[r - 2] == 1 && strides[r - 1] != 1 && shape[r - 2] > 1;
    }

    // ------------------------------------------------------------------ views

    /** Elements [start, start + length) of dimension dim; no copy. */
    public Tensor narrow(int dim, long start, long length) {
        if (dim < 0 || dim >= shape.length || start < 0 || length < 0 || start + length > shape[dim]) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH, "narrow(" + dim + ", " + start
                    + ", " + length + ") out of range for " + describe());
        }
        long[] s = shape.clone();
        s[dim] = length;
        return new Tensor(dtype, s, strides.clone(), offset + start * strides[dim], storage, array);
    }

    /** Index {@code index} of dimension dim, which is removed; no copy. */
    public Tensor select(int dim, long index) {
        Tensor n = narrow(dim, index, 1);
        long[] s = new long[shape.length - 1];
        long[] st = new long[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != dim) {
                s[j] = n.shape[i];
                st[j++] = n.strides[i];
            }
        }
        return new Tensor(dtype, s, st, n.offset, storage, array);
    }

    public Tensor transpose(int d0, int d1) {
        if (d0 < 0 || d0 >= shape.length || d1 < 0 || d1 >= shape.length) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH, "transpose(" + d0 + ", " + d1
                    + ") needs dimensions in [0, " + shape.length + "), got " + describe());
        }
        int[] perm = new int[shape.length];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        perm[d0] = d1;
        perm[d1] = d0;
        return permute(perm);
    }

    public Tensor permute(int... perm) {
        if (perm.length != shape.length) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH,
                    "permute " + Arrays.toString(perm) + " on " + describe());
        }
        long[] s = new long[perm.length];
        long[] st = new long[perm.length];
        boolean[] seen = new boolean[perm.length];
        for (int i = 0; i < perm.length; i++) {
            if (perm[i] < 0 || perm[i] >= perm.length || seen[perm[i]]) {
                throw new EngineException(ErrorCode.SHAPE_MISMATCH,
                        "invalid permutation " + Arrays.toString(perm));
            }
            seen[perm[i]] = true;
            s[i] = shape[perm[i]];
            st[i] = strides[perm[i]];
        }
        return new Tensor(dtype, s, st, offset, storage, array);
    }

    /**
     * Splits dimension dim into sizes (their product must equal dim's extent); no copy, works
     * on any strides: a column slice of a fused QKV output becomes (tokens, heads, head_dim).
     */
    public Tensor unflatten(int dim, long... sizes) {
        if (dim < 0 || dim >= shape.length) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH, "unflatten(" + dim + ", "
                    + Arrays.toString(sizes) + ") needs a dimension in [0, " + shape.length + "), got " + describe());
        }
        long prod = checkedNumel(sizes);
        if (prod != shape[dim]) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH, "unflatten(" + dim + ", "
                    + Arrays.toString(sizes) + ") does not match " + describe());
        }
        long[] s = new long[shape.length + sizes.length - 1];
        long[] st = new long[s.length];
        System.arraycopy(shape, 0, s, 0, dim);
        System.arraycopy(strides, 0, st, 0, dim);
        long inner = strides[dim];
        for (int i = sizes.length - 1; i >= 0; i--) {
            s[dim + i] = sizes[i];
            st[dim + i] = inner;
            inner *= sizes[i];
        }
        System.arraycopy(shape, dim + 1, s, dim + sizes.length, shape.length - dim - 1);
        System.arraycopy(strides, dim + 1, st, dim + sizes.length, shape.length - dim - 1);
        return new Tensor(dtype, s, st, offset, storage, array);
    }

    /** Reinterprets a contiguous tensor with a new shape of the same element count; no copy. */
    public Tensor view(long... newShape) {
        if (!isContiguous()) {
            throw new EngineException(ErrorCode.LAYOUT,
                    "view" + Arrays.toString(newShape) + " needs a contiguous tensor, got " + describe()
                            + " (call contiguous() first)");
        }
        if (checkedNumel(newShape) != numel()) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH, "view" + Arrays.toString(newShape)
                    + " has a different element count than " + describe());
        }
        return new Tensor(dtype, newShape.clone(), rowMajorStrides(newShape), offset, storage, array);
    }

    /** This tensor if contiguous, else a packed F32 copy (weights in bf16 stay bf16 only when contiguous). */
    public Tensor contiguous() {
        return isContiguous() ? this : copyToF32();
    }

    /** A packed F32 copy on the heap, whatever the layout and dtype. */
    public Tensor copyToF32() {
        Tensor out = zeros(shape);
        float[] dst = out.array;
        int[] i = {0};
        forEachOffset((off) -> dst[i[0]++] = readAt(off));
        return out;
    }

    // ------------------------------------------------------------------ element access

    /** Reads the element at a storage offset (elements) as float, widening bf16/f16 exactly. */
    public float readAt(long elementOffset) {
        if (array != null) {
            return array[(int) elementOffset];
        }
        return switch (dtype) {
            case F32 -> storage.getAtIndex(F32_LE, elementOffset);
            case BF16 -> DType.bf16ToFloat(storage.getAtIndex(I16_LE, elementOffset));
            case F16 -> Float.float16ToFloat(storage.getAtIndex(I16_LE, elementOffset));
        };
    }

    public float get(long... index) {
        return readAt(offsetOf(index));
    }

    public void set(float value, long... index) {
        if (dtype != DType.F32) {
            throw new EngineException(ErrorCode.LAYOUT, "set() needs an F32 tensor, got " + describe());
        }
        long off = offsetOf(index);
        if (array != null) {
            array[(int) off] = value;
        } else {
            storage.setAtIndex(F32_LE, off, value);
        }
    }

    public long offsetOf(long... index) {
        if (index.length != shape.length) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH,
                    "index " + Arrays.toString(index) + " for " + describe());
        }
        long off = offset;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape[i]) {
                throw new EngineException(ErrorCode.SHAPE_MISMATCH,
                        "index " + Arrays.toString(index) + " out of bounds for " + describe());
            }
            off += index[i] * strides[i];
        }
        return off;
    }

    /** Element values in row-major order of this view, as a new array. */
    public float[] toFloatArray() {
        if (array != null && isContiguous() && offset == 0 && numel() == array.length) {
            return array.clone();
        }
        return copyToF32().array;
    }

    /** Visits the storage offset of every element in row-major order of the view. */
    public void forEachOffset(java.util.function.LongConsumer visit) {
        int r = shape.length;
        if (numel() == 0) {
            return;
        }
        long[] idx = new long[r];
        long off = offset;
        while (true) {
            visit.accept(off);
            int d = r - 1;
            while (d >= 0) {
                idx[d]++;
                off += strides[d];
                if (idx[d] < shape[d]) {
                    break;
                }
                off -= strides[d] * shape[d];
                idx[d] = 0;
                d--;
            }
            if (d < 0) {
                return;
            }
        }
    }

    /** "bf16[4608, 4096] strides [4096, 1] offset 0": used in every error message. */
    public String describe() {
        return dtype.name().toLowerCase() + Arrays.toString(shape) + " strides "
                + Arrays.toString(strides) + " offset " + offset;
    }

    @Override
    public String toString() {
        return "Tensor " + describe();
    }
}
