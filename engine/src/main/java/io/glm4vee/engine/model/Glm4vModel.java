package io.glm4vee.engine.model;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.device.WorkerPool;
import io.glm4vee.engine.image.ClipPreprocessor;
import io.glm4vee.engine.image.RgbImage;
import io.glm4vee.engine.ops.Parallel;
import io.glm4vee.engine.tensor.Tensor;
import io.glm4vee.engine.tokenizer.GlmTokenizer;
import io.glm4vee.engine.weights.Checkpoint;
import io.glm4vee.engine.weights.CheckpointSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loaded GLM-4V checkpoint on one CPU card: config, memory-mapped weights in their stored
 * dtype, tokenizer, the vision tower and the text decoder. Thread-safe for concurrent
 * sequences only through separate {@link Sequence}s on separate threads if the pool allows;
 * the generation layer serialises calls per model.
 */
public final class Glm4vModel implements AutoCloseable {
    private final Path dir;
    private final ModelConfig config;
    private final GenerationDefaults generationDefaults;
    private final Checkpoint checkpoint;
    private final GlmTokenizer tokenizer;
    private final TextDecoder text;
    private final VisionTower vision;
    private final WorkerPool pool;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Glm4vModel(Path dir, ModelConfig config, GenerationDefaults gen, Checkpoint checkpoint,
                       GlmTokenizer tokenizer, WorkerPool pool) {
        this.dir = dir;
        this.config = config;
        this.generationDefaults = gen;
        this.checkpoint = checkpoint;
        this.tokenizer = tokenizer;
        this.pool = pool;
        Weights w = new Weights(checkpoint);
        this.text = new TextDecoder(config, w, pool);
        this.vision = config.vision() == null ? null : new VisionTower(config, w, pool);
    }

    /** Loads and validates a checkpoint directory; threads is the card's compute thread count. */
    public static Glm4vModel load(Path dir, int threads) {
        return load(dir, threads, null);
    }

    /**
     * Like {@link #load(Path, int)}; with a progress listener the mapped weights are also read
     * once (one byte per page), so the first request does not pay for page faults.
     */
    public static Glm4vModel load(Path dir, int threads, LoadProgress progress) {
        if (!Files.isDirectory(dir)) {
            throw new EngineException(ErrorCode.BAD_CHECKPOINT, "model directory " + dir + " does not exist");
        }
        ModelConfig config = ModelConfig.load(dir);
        GenerationDefaults gen = GenerationDefaults.load(dir);
        Path tok = dir.resolve("tokenizer.model");
        if (!Files.isRegularFile(tok)) {
            throw new EngineException(ErrorCode.BAD_CHECKPOINT, "tokenizer.model is missing in " + dir);
        }
        GlmTokenizer tokenizer = GlmTokenizer.load(tok, config.paddedVocabSize());
        Checkpoint ckpt = Checkpoint.open(dir);
        WorkerPool pool = null;
        try {
            CheckpointSpec.of(config).validate(ckpt);
            if (progress != null) {
                touchPages(ckpt, progress);
            }
            pool = new WorkerPool("glm4v-cpu0", threads);
            return new Glm4vModel(dir, config, gen, ckpt, tokenizer, pool);
        } catch (RuntimeException e) {
            // a half-built model must not keep its mapping or its threads
            if (pool != null) {
                pool.close();
            }
            ckpt.close();
            throw e;
        }
    }

    private static void touchPages(Checkpoint ckpt, LoadProgress progress) {
        long total = ckpt.totalBytes();
        long done = 0;
        long sink = 0;
        for (String name : ckpt.names()) {
            java.lang.foreign.MemorySegment seg = ckpt.data(name);
            for (long off = 0; off < seg.byteSize(); off += 4096) {
                sink += seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, off);
            }
            done += seg.byteSize();
            progress.update(done, total);
        }
        if (sink == Long.MIN_VALUE) {
            progress.update(done, total); // keeps the reads from being optimised away
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

    public Parallel parallel() {
        return pool;
    }

    public boolean hasVision() {
        return vision != null;
    }

    /** A new sequence whose KV cache holds up to capacity rows (spliced prompt + generated tokens). */
    public Sequence newSequence(int capacity) {
        checkOpen();
        return new Sequence(new KvCache(config.numLayers(), config.kvGroups(), config.headDim(), capacity));
    }

    /** Normalised pixels (3, S, S) for this model's image size. */
    public float[] preprocess(RgbImage image) {
        requireVision();
        return ClipPreprocessor.preprocess(image, config.vision().imageSize());
    }

    public SplicedInput splice(int[] ids, boolean hasImage) {
        return SplicedInput.of(ids, config.boiTokenId(), config.eoiTokenId(),
                hasImage ? config.vision().imageTokens() : 0, hasImage);
    }

    /** Runs the prompt (with its image, or null) and returns the last position's logits. */
    public float[] prefill(Sequence seq, int[] ids, float[] pixels, ForwardObserver observer) {
        checkOpen();
        if (pixels != null) {
            requireVision();
        }
        SplicedInput in = splice(ids, pixels != null);
        if (seq.cache.length() + in.length() > seq.cache.capacity()) {
            throw new EngineException(ErrorCode.PROMPT_TOO_LONG, "the prompt needs " + in.length()
                    + " cache rows, the sequence has " + (seq.cache.capacity() - seq.cache.length()) + " left");
        }
        Tensor x = embed(in, pixels);
        if (observer != null) {
            observer.inputEmbeddings(x);
        }
        float[] logits = text.forward(x, in.positions(), seq.cache, observer);
        seq.lastPosition = in.positions()[in.length() - 1];
        return logits;
    }

    /** One generated token at position last + 1; returns its logits. */
    public float[] decode(Sequence seq, int token) {
        checkOpen();
        if (seq.lastPosition < 0) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "decode before prefill");
        }
        int pos = seq.lastPosition + 1;
        float[] logits = text.forward(text.embed(new int[] {token}), new int[] {pos}, seq.cache, null);
        seq.lastPosition = pos;
        return logits;
    }

    private Tensor embed(SplicedInput in, float[] pixels) {
        int[] ids = in.ids();
        if (!in.hasImage()) {
            return text.embed(ids);
        }
        int b = in.boiIndex();
        int hidden = config.hiddenSize();
        Tensor img = vision.forward(pixels);                               // (tokens + 2, hidden)
        Tensor before = text.embed(java.util.Arrays.copyOfRange(ids, 0, b));
        Tensor after = text.embed(java.util.Arrays.copyOfRange(ids, b + 3, ids.length));
        Tensor x = Tensor.zeros(in.length(), hidden);
        float[] xa = x.array();
        System.arraycopy(before.array(), 0, xa, 0, b * hidden);
        System.arraycopy(img.array(), 0, xa, b * hidden, img.array().length);
        System.arraycopy(after.array(), 0, xa, b * hidden + img.array().length, after.array().length);
        return x;
    }

    private void requireVision() {
        if (vision == null) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "this model has no vision tower (no vision_config)");
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "the model " + dir + " is closed");
        }
    }

    /** Stops the card's threads, then unmaps the weights (reverse order of creation). Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            pool.close();
            checkpoint.close();
        }
    }
}
