package io.glm4vee.engine.model;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.backend.Backend;
import io.glm4vee.engine.backend.ModelForward;
import io.glm4vee.engine.device.DeviceGroup;
import io.glm4vee.engine.device.DeviceOptions;
import io.glm4vee.engine.image.ClipPreprocessor;
import io.glm4vee.engine.image.RgbImage;
import io.glm4vee.engine.parallel.TpPlan;
import io.glm4vee.engine.tokenizer.GlmTokenizer;
import io.glm4vee.engine.weights.Checkpoint;
import io.glm4vee.engine.weights.CheckpointSpec;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loaded GLM-4V checkpoint on a group of cards: config, memory-mapped weights in their
 * stored dtype (each rank holds views of its own slices), tokenizer, the vision tower and the
 * text decoder. One request at a time per model (callers serialise); a failed group is
 * replaced with {@link #rebuild()}.
 */
public final class Glm4vModel implements AutoCloseable {
    private final Path dir;
    private final ModelConfig config;
    private final GenerationDefaults generationDefaults;
    private final Checkpoint checkpoint;
    private final GlmTokenizer tokenizer;
    private final DeviceOptions deviceOptions;
    private final AtomicBoolean closed = new AtomicBoolean();
    private DeviceGroup group;
    private ModelForward forward;
    private volatile boolean needsRebuild;   // the group was closed for a rebuild that has not succeeded yet
    private final Object groupLock = new Object();
    private DeviceGroup closedGroup;         // guarded by groupLock: the group closeGroup() last closed

    private Glm4vModel(Path dir, ModelConfig config, GenerationDefaults gen, Checkpoint checkpoint,
                       GlmTokenizer tokenizer, DeviceOptions options) {
        this.dir = dir;
        this.config = config;
        this.generationDefaults = gen;
        this.checkpoint = checkpoint;
        this.tokenizer = tokenizer;
        this.deviceOptions = options;
        build();
    }

    private void build() {
        Backend backend = deviceOptions.backendImpl();
        DeviceGroup g = backend.openGroup(deviceOptions);
        try {
            ModelForward f = backend.forward(config, checkpoint, g, deviceOptions);
            synchronized (groupLock) {
                this.forward = f;
                this.group = g;
            }
        } catch (RuntimeException | Error e) {
            g.close();
            throw e;
        }
    }

    /** One CPU card with the given compute threads. */
    public static Glm4vModel load(Path dir, int threads) {
        return load(dir, DeviceOptions.cpu(1, threads), null);
    }

    public static Glm4vModel load(Path dir, int threads, LoadProgress progress) {
        return load(dir, DeviceOptions.cpu(1, threads), progress);
    }

    /**
     * Loads and validates a checkpoint for the given cards. A tp size the checkpoint cannot be
     * split into is refused from config.json alone, before any weight is touched. With a
     * progress listener the mapped weights are read once, so the first request does not pay
     * for page faults.
     */
    public static Glm4vModel load(Path dir, DeviceOptions options, LoadProgress progress) {
        if (!Files.isDirectory(dir)) {
            throw new EngineException(ErrorCode.BAD_CHECKPOINT, "model directory " + dir + " does not exist");
        }
        options.backendImpl();                            // an absent backend is named before anything is read
        ModelConfig config = ModelConfig.load(dir);
        TpPlan.check(config, options.tp());
        GenerationDefaults gen = GenerationDefaults.load(dir);
        Path tok = dir.resolve("tokenizer.model");
        if (!Files.isRegularFile(tok)) {
            throw new EngineException(ErrorCode.BAD_CHECKPOINT, "tokenizer.model is missing in " + dir);
        }
        GlmTokenizer tokenizer = GlmTokenizer.load(tok, config.paddedVocabSize());
        Checkpoint ckpt = Checkpoint.open(dir);
        try {
            CheckpointSpec.of(config).validate(ckpt);
            if (progress != null) {
                touchPages(ckpt, progress);
            }
            return new Glm4vModel(dir, config, gen, ckpt, tokenizer, options);
        } catch (RuntimeException e) {
            ckpt.close();                 // a half-built model must not keep its mapping
            throw e;
        }
    }

    private static void touchPages(Checkpoint ckpt, LoadProgress progress) {
        long total = ckpt.totalBytes();
        long done = 0;
        long sink = 0;
        for (String name : ckpt.names()) {
            MemorySegment seg = ckpt.data(name);
            for (long off = 0; off < seg.byteSize(); off += 4096) {
                sink += seg.get(ValueLayout.JAVA_BYTE, off);
            }
            done += seg.byteSize();
            progress.update(done, total);
        }
        if (sink == Long.MIN_VALUE) {
            progress.update(done, total);   // keeps the reads from being optimised away
        }
    }

    public Path dir() {
        return dir;
    }

    public ModelConfig config() {
        return config;
    }

    public GenerationDefaults generationDefaults() {
        return generationDefaults;
    }

    public GlmTokenizer tokenizer() {
        return tokenizer;
    }

    public Checkpoint checkpoint() {
        return checkpoint;
    }

    public DeviceGroup group() {
        return group;
    }

    /** The backend's forward on the current group (replaced by {@link #rebuild()}). */
    public ModelForward forward() {
        return forward;
    }

    public DeviceOptions deviceOptions() {
        return deviceOptions;
    }

    public boolean hasVision() {
        return forward.hasVision();
    }

    /**
     * A new sequence whose KV caches hold up to capacity rows (spliced prompt + generated
     * tokens), sized before anything is allocated.
     */
    public Sequence newSequence(int capacity) {
        checkUsable();
        return new Sequence(forward.newCache(capacity), group);
    }

    /** Normalised pixels (3, S, S) for this model's image size. */
    public float[] preprocess(RgbImage image) {
        requireVision();
        return ClipPreprocessor.preprocess(image, config.vision().imageSize());
    }

    public SplicedInput splice(int[] ids, boolean hasImage) {
        if (hasImage) {
            requireVision();
        }
        return SplicedInput.of(ids, config.boiTokenId(), config.eoiTokenId(),
                hasImage ? config.vision().imageTokens() : 0, hasImage);
    }

    /**
     * Runs the prompt (with its image, or null) and returns the last position's logits. When
     * the sequence already holds a prefix of these ids (and the same image), only the rest is
     * computed; a differing tail is forgotten first.
     */
    public float[] prefill(Sequence seq, int[] ids, float[] pixels, ForwardObserver observer) {
        checkSequence(seq);
        if (ids.length == 0) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "the prompt is empty");
        }
        for (int id : ids) {
            tokenizer.checkId(id);
        }
        splice(ids, pixels != null);                       // validates the image triple for the whole prompt
        int keep = reusable(seq, ids, pixels);
        if (keep < seq.consumedCount()) {
            truncate(seq, keep);
        }
        int[] rest = java.util.Arrays.copyOfRange(ids, keep, ids.length);
        boolean restHasImage = pixels != null && seq.boiIndex < 0;
        SplicedInput in = splice(rest, restHasImage);
        if (seq.cachedTokens() + in.length() > seq.capacity()) {
            throw new EngineException(ErrorCode.PROMPT_TOO_LONG, "the prompt needs " + (seq.cachedTokens() + in.length())
                    + " cache rows, the sequence holds at most " + seq.capacity());
        }
        int[] positions = in.positions().clone();
        for (int i = 0; i < positions.length; i++) {
            positions[i] += keep;                          // positions count original ids
        }
        float[] logits = forward.forward(in, restHasImage ? pixels : null, positions, seq.cache, observer);
        if (restHasImage) {
            seq.boiIndex = keep + in.boiIndex();
            seq.imageRows = in.imageTokens();
            seq.pixels = pixels;
        }
        seq.consumed(rest);
        seq.lastPosition = positions[positions.length - 1];
        return logits;
    }

    /** How many leading ids the sequence can keep: same ids, same image, at least one id left to run. */
    private static int reusable(Sequence seq, int[] ids, float[] pixels) {
        int n = Math.min(seq.consumedCount(), ids.length - 1);
        int k = 0;
        while (k < n && seq.id(k) == ids[k]) {
            k++;
        }
        if (seq.boiIndex >= 0 && k > seq.boiIndex) {
            boolean sameImage = pixels != null && java.util.Arrays.equals(pixels, seq.pixels);
            if (!sameImage || k < seq.boiIndex + 3) {
                k = seq.boiIndex;                          // never keep half an image, or another image
            }
        }
        return k;
    }

    /** Forgets everything after the first n consumed ids (a rolled-back turn); n must be <= what it holds. */
    public void truncate(Sequence seq, int n) {
        checkSequence(seq);
        if (n < 0 || n > seq.consumedCount()) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "cannot keep " + n + " of " + seq.consumedCount() + " ids");
        }
        if (seq.boiIndex >= 0 && n > seq.boiIndex && n < seq.boiIndex + 3) {
            n = seq.boiIndex;
        }
        seq.cache.truncate(seq.rowsFor(n));
        seq.forget(n);
        seq.lastPosition = n - 1;                          // the last kept id's position is its index
    }

    /** One generated token at position last + 1; returns its logits. */
    public float[] decode(Sequence seq, int token) {
        checkSequence(seq);
        if (seq.lastPosition < 0) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "decode before prefill");
        }
        tokenizer.checkId(token);
        int pos = seq.lastPosition + 1;
        int[] one = {token};
        // built directly: a generated id is embedded as it is, even one that looks like an image marker
        float[] logits = forward.forward(new SplicedInput(one, -1, 0, new int[] {pos}), null, new int[] {pos}, seq.cache,
                null);
        seq.consumed(new int[] {token});
        seq.lastPosition = pos;
        return logits;
    }

    /**
     * Replaces a failed device group with a fresh one over the same mapped weights. On a backend
     * that copies the weights to its cards, the old group is closed first (the cards would need
     * room for two copies otherwise); if building then fails, the model has no group and stays
     * marked as needing a rebuild (every use fails with DEVICE_FAILED until one succeeds). On
     * the CPU backend the new group is built first and the old one kept if that fails.
     */
    public synchronized void rebuild() {
        checkOpen();
        if (deviceOptions.backendImpl().weightsInDeviceMemory()) {
            if (!needsRebuild) {
                needsRebuild = true;
                closeGroup();
            }
            build();
            needsRebuild = false;
            if (closed.get()) {
                closeGroup();           // close() ran while this was building: the new group goes too
            }
            return;
        }
        DeviceGroup old = group;
        ModelForward oldForward = forward;
        build();
        oldForward.close();
        old.close();
    }

    /** True after a rebuild closed the group and could not build a new one. */
    public boolean needsRebuild() {
        return needsRebuild;
    }

    /** Closes the current forward and group, once per group (close() and rebuild() may both try). */
    private void closeGroup() {
        DeviceGroup g;
        ModelForward f;
        synchronized (groupLock) {
            g = group;
            f = forward;
            if (g == null || g == closedGroup) {
                return;
            }
            closedGroup = g;
        }
        try {
            f.close();
        } finally {
            g.close();
        }
    }

    /** Per-card memory: weight bytes of each rank's slices (replicated tensors counted in full). */
    public long[] weightBytesPerCard() {
        long[] b = new long[group.size()];
        for (int r = 0; r < b.length; r++) {
            b[r] = group.device(r).weightBytes();
        }
        return b;
    }

    private void requireVision() {
        if (!forward.hasVision()) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "this model has no vision tower (no vision_config)");
        }
    }

    private void checkSequence(Sequence seq) {
        checkUsable();
        if (seq.isReleased()) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "the sequence was released (its KV cache is freed); "
                    + "start a new one");
        }
        if (seq.owner != group) {
            throw new EngineException(ErrorCode.BAD_REQUEST,
                    "the sequence belongs to a device group that was rebuilt or closed; start a new one");
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "the model " + dir + " is closed");
        }
    }

    private void checkUsable() {
        checkOpen();
        if (needsRebuild) {
            throw new EngineException(ErrorCode.DEVICE_FAILED, "the model " + dir + " has no device group on "
                    + deviceOptions.devices() + ": a rebuild closed it and failed to build a new one; rebuild again");
        }
    }

    /** Stops the cards, then unmaps the weights (reverse order of creation). Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                if (!needsRebuild) {
                    closeGroup();
                }
            } finally {
                checkpoint.close();
            }
        }
    }
}
