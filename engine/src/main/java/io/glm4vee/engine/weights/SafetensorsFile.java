package io.glm4vee.engine.weights;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.tensor.DType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One memory-mapped .safetensors file. Layout: u64 little-endian header length N, N bytes of
 * JSON header (name -> dtype, shape, data_offsets relative to byte 8+N), then the raw data.
 *
 * <p>The header is read and fully validated before anything is mapped or sized from it, so a
 * truncated or hostile file fails with a message naming the file and tensor instead of an
 * out-of-bounds access later. The whole file is then mapped read-only into the caller's arena;
 * closing that arena unmaps it. Tensor slices are not necessarily aligned: readers use the
 * unaligned value layouts.
 */
public final class SafetensorsFile {
    /** Real headers are well under 1 MiB (about 100 bytes per tensor); this rejects garbage. */
    public static final long MAX_HEADER_BYTES = 100L << 20;
    public static final String METADATA_KEY = "__metadata__";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path path;
    private final long fileSize;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;
    private final MemorySegment mapping;

    private SafetensorsFile(Path path, long fileSize, long dataStart, Map<String, TensorInfo> tensors,
            Map<String, String> metadata, MemorySegment mapping) {
        this.path = path;
        this.fileSize = fileSize;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.metadata = metadata;
        this.mapping = mapping;
    }

    /** Validates the header, then maps the whole file read-only into {@code arena}. */
    public static SafetensorsFile open(Path path, Arena arena) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            long headerLen = readHeaderLength(path, ch, size);
            long dataStart = 8 + headerLen;
            JsonNode header = parseHeader(path, ch, headerLen);
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = readEntries(path, header, dataStart, size - dataStart, metadata);
            MemorySegment mapping = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return new SafetensorsFile(path, size, dataStart, Collections.unmodifiableMap(tensors),
                    Collections.unmodifiableMap(metadata), mapping);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.BAD_CHECKPOINT, "cannot read " + path + ": " + e, e);
        }
    }

    public Path path() {
        return path;
    }

    public long fileSize() {
        return fileSize;
    }

    /** Absolute offset of the data section (8 + header length). */
    public long dataStart() {
        return dataStart;
    }

    /** Tensors in header order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The optional "__metadata__" string map (e.g. {"format": "pt"}). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensor's bytes as a slice of the mapping; fails once the owning arena is closed. */
    public MemorySegment data(String name) {
        TensorInfo t = tensors.get(name);
        if (t == null) {
            throw new EngineException(ErrorCode.BAD_TENSOR, path + ": no tensor named " + name);
        }
        return mapping.asSlice(t.fileOffset(), t.byteSize());
    }

    private static long readHeaderLength(Path path, FileChannel ch, long size) throws IOException {
        if (size < 8) {
            throw bad(path, "file is " + size + " bytes, too short for the 8-byte header length"
                    + " (truncated download?)");
        }
        ByteBuffer b = readFully(ch, 0, 8).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong(0);
        // n is an unsigned u64; a negative long means it is above 2^63, far beyond any limit.
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw bad(path, "header length " + Long.toUnsignedString(n) + " exceeds the "
                    + MAX_HEADER_BYTES + "-byte limit (not a safetensors file?)");
        }
        if (8 + n > size) {
            throw bad(path, "header length " + n + " runs past the end of the " + size
                    + "-byte file (truncated file?)");
        }
        return n;
    }

    private static JsonNode parseHeader(Path path, FileChannel ch, long headerLen) throws IOException {
        ByteBuffer raw = readFully(ch, 8, (int) headerLen);
        String text = StandardCharsets.UTF_8.decode(raw).toString();
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw bad(path, "header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw bad(path, "header must be a JSON object");
        }
        return root;
    }

    private static Map<String, TensorInfo> readEntries(Path path, JsonNode header, long dataStart,
            long dataSize, Map<String, String> metadata) {
        Map<String, TensorInfo> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : header.properties()) {
            if (e.getKey().equals(METADATA_KEY)) {
                readMetadata(path, e.getValue(), metadata);
            } else {
                out.put(e.getKey(), readEntry(path, e.getKey(), e.getValue(), dataStart, dataSize));
            }
        }
        checkNoOverlap(path, out.values());
        return out;
    }

    private static void readMetadata(Path path, JsonNode node, Map<String, String> metadata) {
        if (!node.isObject()) {
            throw bad(path, METADATA_KEY + " must be an object of strings");
        }
        for (Map.Entry<String, JsonNode> m : node.properties()) {
            if (!m.getValue().isTextual()) {
                throw bad(path, METADATA_KEY + "." + m.getKey() + " must be a string, got " + m.getValue());
            }
            metadata.put(m.getKey(), m.getValue().textValue());
        }
    }

    private static TensorInfo readEntry(Path path, String name, JsonNode e, long dataStart, long dataSize) {
        if (!e.isObject() || !e.path("dtype").isTextual() || !e.path("shape").isArray()
                || !e.path("data_offsets").isArray() || e.path("data_offsets").size() != 2) {
            throw badTensor(path, name, "entry must have dtype, shape and data_offsets [begin, end], got " + e);
        }
        DType dtype = dtype(path, name, e.get("dtype").textValue());
        long[] shape = new long[e.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = nonNegativeLong(path, name, "shape", e.get("shape").get(i));
        }
        long begin = nonNegativeLong(path, name, "data_offsets", e.get("data_offsets").get(0));
        long end = nonNegativeLong(path, name, "data_offsets", e.get("data_offsets").get(1));
        if (begin > end || end > dataSize) {
            throw badTensor(path, name, "data_offsets [" + begin + ", " + end + ") lie outside the "
                    + dataSize + "-byte data section");
        }
        long expected;
        try {
            expected = Math.multiplyExact(TensorInfo.numel(shape), dtype.byteSize());
        } catch (ArithmeticException overflow) {
            throw badTensor(path, name, "shape " + Arrays.toString(shape) + " overflows");
        }
        if (end - begin != expected) {
            throw badTensor(path, name, "data_offsets span " + (end - begin) + " bytes but " + dtype
                    + Arrays.toString(shape) + " needs " + expected);
        }
        return new TensorInfo(name, dtype, shape, path, dataStart + begin, expected);
    }

    private static DType dtype(Path path, String name, String text) {
        try {
            return DType.fromSafetensors(text);
        } catch (EngineException unsupported) {
            throw new EngineException(ErrorCode.UNSUPPORTED_DTYPE, path + ": tensor " + name
                    + ": dtype " + text + " is not supported (expected F32, BF16 or F16)", unsupported);
        }
    }

    private static long nonNegativeLong(Path path, String name, String field, JsonNode v) {
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw badTensor(path, name, field + " must hold non-negative integers, got " + v);
        }
        return v.longValue();
    }

    private static void checkNoOverlap(Path path, Iterable<TensorInfo> infos) {
        List<TensorInfo> sorted = new ArrayList<>();
        infos.forEach(sorted::add);
        sorted.sort(Comparator.comparingLong(TensorInfo::fileOffset));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo prev = sorted.get(i - 1);
            TensorInfo cur = sorted.get(i);
            if (cur.fileOffset() < prev.fileOffset() + prev.byteSize()) {
                throw badTensor(path, cur.name(), "data overlaps tensor " + prev.name());
            }
        }
    }

    private static ByteBuffer readFully(FileChannel ch, long pos, int len) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(len);
        while (b.hasRemaining()) {
            if (ch.read(b, pos + b.position()) < 0) {
                throw new IOException("unexpected end of file at byte " + (pos + b.position()));
            }
        }
        return b.flip();
    }

    private static EngineException bad(Path path, String why) {
        return new EngineException(ErrorCode.BAD_CHECKPOINT, path + ": " + why);
    }

    private static EngineException badTensor(Path path, String name, String why) {
        return new EngineException(ErrorCode.BAD_CHECKPOINT, path + ": tensor " + name + ": " + why);
    }
}
