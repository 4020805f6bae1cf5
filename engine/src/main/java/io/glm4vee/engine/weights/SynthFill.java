package io.glm4vee.engine.weights;

import io.glm4vee.engine.tensor.DType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Tensor contents for synthetic checkpoints. RANDOM draws N(mean, std) per element with the
 * polar method into one reusable direct buffer; the stream of each chunk of each tensor is
 * seeded from (seed, tensor name, chunk index) only, so the values do not depend on shard
 * layout or write order. ZERO writes nothing and leaves a hole in the file.
 */
final class SynthFill implements SafetensorsWriter.TensorSource {
    private static final int CHUNK = 1 << 20;   // elements per buffer fill and per seed

    private final SynthOptions.Fill fill;
    private final long seed;
    private final double ropeBase;
    private ByteBuffer buffer;   // CHUNK * 4 bytes, allocated on first random tensor

    SynthFill(SynthOptions.Fill fill, long seed, double ropeBase) {
        this.fill = fill;
        this.seed = seed;
        this.ropeBase = ropeBase;
    }

    @Override
    public void write(SafetensorsWriter.Entry e, SafetensorsWriter.TensorSink sink) throws IOException {
        if (fill == SynthOptions.Fill.ZERO) {
            sink.zeros();
            return;
        }
        if (buffer == null) {
            buffer = ByteBuffer.allocateDirect(CHUNK * 4).order(ByteOrder.LITTLE_ENDIAN);
        }
        if (e.name().equals(CheckpointSpec.INV_FREQ)) {
            writeInvFreq(e, sink);
            return;
        }
        double[] meanStd = init(e.name(), e.shape());
        long n = e.numel();
        long nameHash = fnv64(e.name());
        for (long start = 0, chunk = 0; start < n; start += CHUNK, chunk++) {
            int len = (int) Math.min(CHUNK, n - start);
            SplittableRandom rng = new SplittableRandom(mix64(mix64(seed ^ nameHash) + chunk));
            fillNormal(rng, len, meanStd[0], meanStd[1], e.dtype());
            sink.write(buffer);
        }
    }

    /**
     * (mean, std) by role, as make_tiny.py draws them: norm weights 1 +- 0.1, biases 0.1,
     * embeddings and boi/eoi 1, position embedding 0.5, other weights 1/sqrt(fan_in).
     */
    static double[] init(String name, long[] shape) {
        if (name.endsWith("layernorm.weight") || name.endsWith("norm1.weight")) {
            return new double[] {1.0, 0.1};
        }
        if (name.endsWith(".bias")) {
            return new double[] {0.0, 0.1};
        }
        if (name.endsWith("word_embeddings.weight") || name.endsWith("cls_embedding")
                || name.endsWith(".boi") || name.endsWith(".eoi")) {
            return new double[] {0.0, 1.0};
        }
        if (name.endsWith("position_embedding.weight")) {
            return new double[] {0.0, 0.5};
        }
        if (shape.length < 2) {
            return new double[] {0.0, 0.1};
        }
        long fanIn = 1;
        for (int i = 1; i < shape.length; i++) {
            fanIn *= shape[i];
        }
        return new double[] {0.0, 1.0 / Math.sqrt(fanIn)};
    }

    /** The real buffer values, theta_i = base^(-i/n) for the n rotated pairs. */
    private void writeInvFreq(SafetensorsWriter.Entry e, SafetensorsWriter.TensorSink sink) throws IOException {
        int n = (int) e.numel();
        buffer.clear();
        for (int i = 0; i < n; i++) {
            put(i, (float) (1.0 / Math.pow(ropeBase, (double) i / n)), e.dtype());
        }
        buffer.limit(n * e.dtype().byteSize());
        sink.write(buffer);
    }

    private void fillNormal(SplittableRandom rng, int len, double mean, double std, DType dtype) {
        buffer.clear();
        int i = 0;
        while (i < len) {
            // Marsaglia polar method: two independent normals per accepted point in the unit disc.
            double u = 2 * rng.nextDouble() - 1;
            double v = 2 * rng.nextDouble() - 1;
            double s = u * u + v * v;
            if (s >= 1 || s == 0) {
                continue;
            }
            double k = Math.sqrt(-2 * Math.log(s) / s);
            put(i++, (float) (mean + std * u * k), dtype);
            if (i < len) {
                put(i++, (float) (mean + std * v * k), dtype);
            }
        }
        buffer.limit(len * dtype.byteSize());
    }

    private void put(int i, float x, DType dtype) {
        switch (dtype) {
            case F32 -> buffer.putFloat(i * 4, x);
            case BF16 -> buffer.putShort(i * 2, DType.floatToBf16(x));
            case F16 -> buffer.putShort(i * 2, Float.floatToFloat16(x));
        }
    }

    private static long fnv64(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x100000001b3L;
        }
        return h;
    }

    /** A 64-bit finalizer so that nearby seeds give unrelated streams. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
