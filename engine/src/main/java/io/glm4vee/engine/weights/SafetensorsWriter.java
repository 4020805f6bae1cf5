package io.glm4vee.engine.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.tensor.DType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Streams a .safetensors file: the header (all offsets are known from the shapes up front),
 * then each tensor's bytes in order, pulled from a {@link TensorSource} one tensor at a time,
 * so a multi-GB checkpoint never has to sit in memory. A tensor may instead be declared all
 * zeros, which leaves a hole in the file (sparse on Linux file systems: no disk, no time).
 */
public final class SafetensorsWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SafetensorsWriter() {
    }

    /** One tensor to write. */
    public record Entry(String name, DType dtype, long[] shape) {
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(dtype, "dtype");
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long numel() {
            return TensorInfo.numel(shape);
        }

        public long byteSize() {
            return Math.multiplyExact(numel(), dtype.byteSize());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && name.equals(e.name) && dtype == e.dtype && Arrays.equals(shape, e.shape);
        }

        @Override
        public int hashCode() {
            return Objects.hash(name, dtype, Arrays.hashCode(shape));
        }

        @Override
        public String toString() {
            return name + " " + dtype + Arrays.toString(shape);
        }
    }

    /** Receives exactly {@code entry.byteSize()} little-endian bytes, or one {@link #zeros()} call. */
    public interface TensorSink {
        void write(ByteBuffer bytes) throws IOException;

        /** The whole tensor is zero: nothing is written, the file keeps a hole. */
        void zeros();

        long remaining();
    }

    @FunctionalInterface
    public interface TensorSource {
        void write(Entry entry, TensorSink sink) throws IOException;
    }

    /**
     * Writes {@code file} (replacing it) and returns the size of its data section. On failure
     * the partial file is deleted before the exception propagates.
     */
    public static long write(Path file, List<Entry> entries, Map<String, String> metadata, TensorSource source) {
        byte[] header = header(entries, metadata);
        long pos = 8L + header.length;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer head = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(header.length).put(header).flip();
            writeFully(ch, head, 0);
            for (Entry e : entries) {
                Sink sink = new Sink(ch, pos, e);
                source.write(e, sink);
                sink.finish();
                pos += e.byteSize();
            }
            if (ch.size() < pos) {
                // The tail was declared zero: one byte at the end sets the length, the rest stays a hole.
                writeFully(ch, ByteBuffer.allocate(1), pos - 1);
            }
            return pos - 8 - header.length;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(file, e);
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw new EngineException(ErrorCode.BAD_CHECKPOINT, "cannot write " + file + ": " + e, e);
        }
    }

    /**
     * The JSON header, right-padded with spaces so that the data section starts at a multiple
     * of 8 bytes (so f32 and bf16 tensors are naturally aligned in the mapping).
     */
    public static byte[] header(List<Entry> entries, Map<String, String> metadata) {
        ObjectNode root = MAPPER.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode m = root.putObject(SafetensorsFile.METADATA_KEY);
            metadata.forEach(m::put);
        }
        Set<String> seen = new HashSet<>();
        long offset = 0;
        for (Entry e : entries) {
            if (e.name().equals(SafetensorsFile.METADATA_KEY) || !seen.add(e.name())) {
                throw new EngineException(ErrorCode.BAD_TENSOR, "duplicate or reserved tensor name " + e.name());
            }
            ObjectNode t = root.putObject(e.name());
            t.put("dtype", e.dtype().safetensorsName());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.shape()) {
                shape.add(d);
            }
            long end = offset + e.byteSize();
            t.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = MAPPER.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new EngineException(ErrorCode.INTERNAL, "cannot serialise a safetensors header", e);
        }
        int pad = (8 - (8 + json.length) % 8) % 8;
        byte[] padded = Arrays.copyOf(json, json.length + pad);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }

    private static void deleteQuietly(Path file, Exception cause) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException suppressed) {
            cause.addSuppressed(suppressed);
        }
    }

    /** Positional writes, so the tensor's range is fixed no matter what the source does. */
    private static final class Sink implements TensorSink {
        private final FileChannel ch;
        private final long start;
        private final Entry entry;
        private final long size;
        private long written;
        private boolean zero;

        Sink(FileChannel ch, long start, Entry entry) {
            this.ch = ch;
            this.start = start;
            this.entry = entry;
            this.size = entry.byteSize();
        }

        @Override
        public void write(ByteBuffer bytes) throws IOException {
            if (zero || bytes.remaining() > size - written) {
                throw new EngineException(ErrorCode.INTERNAL, "source wrote more than the " + size
                        + " bytes of " + entry);
            }
            int n = bytes.remaining();
            writeFully(ch, bytes, start + written);
            written += n;
        }

        @Override
        public void zeros() {
            if (written != 0) {
                throw new EngineException(ErrorCode.INTERNAL, "zeros() after partial data for " + entry);
            }
            zero = true;
        }

        @Override
        public long remaining() {
            return zero ? 0 : size - written;
        }

        void finish() {
            if (!zero && written != size) {
                throw new EngineException(ErrorCode.INTERNAL, "source wrote " + written + " of the "
                        + size + " bytes of " + entry);
            }
        }
    }
}
