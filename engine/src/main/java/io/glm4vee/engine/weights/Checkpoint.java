package io.glm4vee.engine.weights;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * All tensors of a checkpoint directory, memory-mapped zero-copy in their stored dtype.
 * Either model.safetensors.index.json plus the shards it names, or a single model.safetensors.
 *
 * <p>Every file is mapped into one shared arena owned by this object, so {@link #close()}
 * unmaps everything at once (a redeployed application must not keep gigabytes mapped).
 * Segments handed out by {@link #data} become inaccessible after close.
 */
public final class Checkpoint implements AutoCloseable {
    public static final String INDEX_FILE = "model.safetensors.index.json";
    public static final String SINGLE_FILE = "model.safetensors";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path dir;
    private final Arena arena;
    private final Map<String, SafetensorsFile> fileOf;   // tensor name -> the file that holds it
    private final Map<String, TensorInfo> infos;         // sorted by name
    private final List<Path> files;
    private final long totalBytes;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Checkpoint(Path dir, Arena arena, Map<String, SafetensorsFile> fileOf, List<Path> files) {
        this.dir = dir;
        this.arena = arena;
        this.fileOf = fileOf;
        this.files = List.copyOf(files);
        Map<String, TensorInfo> sorted = new TreeMap<>();
        long bytes = 0;
        for (Map.Entry<String, SafetensorsFile> e : fileOf.entrySet()) {
            TensorInfo t = e.getValue().tensors().get(e.getKey());
            sorted.put(e.getKey(), t);
            bytes += t.byteSize();
        }
        this.infos = Collections.unmodifiableMap(sorted);
        this.totalBytes = bytes;
    }

    public static Checkpoint open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new EngineException(ErrorCode.BAD_CHECKPOINT, "checkpoint directory " + dir + " does not exist");
        }
        Arena arena = Arena.ofShared();
        try {
            Path index = dir.resolve(INDEX_FILE);
            if (Files.exists(index)) {
                return openSharded(dir, index, arena);
            }
            Path single = dir.resolve(SINGLE_FILE);
            if (!Files.exists(single)) {
                throw new EngineException(ErrorCode.BAD_CHECKPOINT, dir + " has neither " + INDEX_FILE
                        + " nor " + SINGLE_FILE + " (is this a safetensors checkpoint?)");
            }
            SafetensorsFile f = SafetensorsFile.open(single, arena);
            Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
            f.tensors().keySet().forEach(name -> fileOf.put(name, f));
            return new Checkpoint(dir, arena, fileOf, List.of(single));
        } catch (RuntimeException e) {
            arena.close();   // release whatever was mapped before the failure, then report it
            throw e;
        }
    }

    private static Checkpoint openSharded(Path dir, Path index, Arena arena) {
        Map<String, String> weightMap = readWeightMap(index);
        Map<String, List<String>> byFile = new TreeMap<>();
        weightMap.forEach((name, file) -> byFile.computeIfAbsent(file, k -> new ArrayList<>()).add(name));
        List<String> missing = byFile.keySet().stream().filter(f -> !Files.exists(dir.resolve(f))).toList();
        if (!missing.isEmpty()) {
            throw new EngineException(ErrorCode.BAD_CHECKPOINT, index + " names shard file(s) missing from "
                    + dir + ": " + missing);
        }
        Map<String, SafetensorsFile> fileOf = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : byFile.entrySet()) {
            SafetensorsFile f = SafetensorsFile.open(dir.resolve(e.getKey()), arena);
            files.add(f.path());
            checkShardAgainstIndex(index, f, e.getKey(), e.getValue(), weightMap);
            e.getValue().forEach(name -> fileOf.put(name, f));
        }
        return new Checkpoint(dir, arena, fileOf, files);
    }

    /** The index and the shard headers must agree both ways; a mismatch means a broken copy. */
    private static void checkShardAgainstIndex(Path index, SafetensorsFile f, String fileName,
            List<String> listed, Map<String, String> weightMap) {
        for (String name : listed) {
            if (!f.tensors().containsKey(name)) {
                throw new EngineException(ErrorCode.BAD_CHECKPOINT, index + " maps tensor " + name
                        + " to " + fileName + ", but that file has no such tensor");
            }
        }
        for (String name : f.tensors().keySet()) {
            if (!fileName.equals(weightMap.get(name))) {
                throw new EngineException(ErrorCode.BAD_CHECKPOINT, f.path() + " holds tensor " + name
                        + " but " + index.getFileName() + " maps it to "
                        + (weightMap.containsKey(name) ? weightMap.get(name) : "nothing"));
            }
        }
    }

    private static Map<String, String> readWeightMap(Path index) {
        JsonNode root;
        try {
            root = MAPPER.readTree(index.toFile());
        } catch (IOException e) {
            throw new EngineException(ErrorCode.BAD_CHECKPOINT, "cannot parse " + index + ": " + e.getMessage(), e);
        }
        JsonNode wm = root == null ? null : root.get("weight_map");
        if (wm == null || !wm.isObject()) {
            throw new EngineException(ErrorCode.BAD_CHECKPOINT, index + ": \"weight_map\" object is missing");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : wm.properties()) {
            String file = e.getValue().isTextual() ? e.getValue().textValue() : "";
            // A shard name must stay inside the checkpoint directory.
            if (file.isEmpty() || file.contains("/") || file.contains("\\") || file.equals("..")) {
                throw new EngineException(ErrorCode.BAD_CHECKPOINT, index + ": tensor " + e.getKey()
                        + " maps to an invalid file name " + e.getValue());
            }
            out.put(e.getKey(), file);
        }
        return out;
    }

    public Path dir() {
        return dir;
    }

    /** The mapped files, in the order they were opened. */
    public List<Path> files() {
        return files;
    }

    /** All tensor names, sorted. */
    public Set<String> names() {
        return infos.keySet();   // a view of the sorted, unmodifiable map
    }

    public boolean contains(String name) {
        return infos.containsKey(name);
    }

    public int size() {
        return infos.size();
    }

    public TensorInfo info(String name) {
        ensureOpen();
        TensorInfo t = infos.get(name);
        if (t == null) {
            throw new EngineException(ErrorCode.BAD_TENSOR, "checkpoint " + dir + " has no tensor " + name);
        }
        return t;
    }

    /** The tensor's little-endian bytes: a read-only slice of the mapping, valid until close. */
    public MemorySegment data(String name) {
        TensorInfo t = info(name);
        return fileOf.get(name).data(t.name());
    }

    /** Sum of all tensors' byte sizes (the index's metadata.total_size). */
    public long totalBytes() {
        return totalBytes;
    }

    public boolean isClosed() {
        return closed.get();
    }

    /** Unmaps every file. Idempotent; later {@link #info}/{@link #data} calls throw. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            arena.close();
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("checkpoint " + dir + " is closed; its mappings were released");
        }
    }

    @Override
    public String toString() {
        return "Checkpoint[" + dir + ", " + infos.size() + " tensors, " + totalBytes + " bytes, "
                + files.size() + " file(s)" + (closed.get() ? ", closed" : "") + "]";
    }
}
