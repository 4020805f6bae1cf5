package io.glm4vee.engine.weights;

import io.glm4vee.engine.tensor.DType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * Where one stored tensor lives: its safetensors header entry resolved to absolute file offsets.
 * Shapes are outermost-first (PyTorch order); data is row-major, little-endian.
 */
public record TensorInfo(
        String name,
        DType dtype,
        long[] shape,
        Path file,
        long fileOffset,   // absolute byte offset of the first element in the file
        long byteSize) {   // numel * dtype size

    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    public long numel() {
        return numel(shape);
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    /** Product of the dims; throws ArithmeticException on overflow (a hostile header). */
    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && Objects.equals(file, t.file)
                && fileOffset == t.fileOffset && byteSize == t.byteSize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), file, fileOffset, byteSize);
    }

    @Override
    public String toString() {
        return name + " " + dtype + shapeString() + " @" + file + "+" + fileOffset;
    }
}
