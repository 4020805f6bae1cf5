package io.glm4vee.engine.weights;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.tensor.DType;
import java.util.Objects;

/**
 * Shapes and contents of a {@link SyntheticCheckpoint}. Field names follow make_tiny.py's
 * options; sizes are checked again, with config.json's field names, when the written config is
 * parsed back through {@code ModelConfig.parse}.
 */
public record SynthOptions(
        int layers,
        int hidden,
        int heads,
        int kvGroups,
        int kvChannels,     // head dim; 0 means hidden / heads
        int ffn,
        int visionLayers,   // at least 1: every GLM-4V checkpoint has a vision tower
        int visionHidden,
        int visionHeads,
        int visionFfn,
        int patch,
        int imageSize,
        int merges,         // BPE merges learned from the built-in corpus; vocab = 256 + merges
        int paddedVocab,    // 0 means round (vocab + 14 specials) up to a multiple of 64
        DType dtype,
        int shards,         // 1: model.safetensors; N > 1: N shards plus the index
        long seed,
        double ropeRatio,
        double scalingFactor,
        int seqLength,
        Fill fill) {

    /** RANDOM: seeded N(0,1)/sqrt(fan_in) weights, norms 1 +- 0.1. ZERO: sparse, written instantly. */
    public enum Fill { RANDOM, ZERO }

    public SynthOptions {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(fill, "fill");
        atLeast("layers", layers, 1);
        atLeast("visionLayers", visionLayers, 1);
        atLeast("kvChannels", kvChannels, 0);
        atLeast("merges", merges, 0);
        atLeast("paddedVocab", paddedVocab, 0);
        atLeast("shards", shards, 1);
    }

    /** make_tiny.py's defaults: a 2+2-layer model, hidden 64, 28x28 images, bf16, one file. */
    public static SynthOptions tiny() {
        return new SynthOptions(2, 64, 4, 2, 0, 96, 2, 32, 4, 64, 7, 28, 64, 0, DType.BF16, 1, 0L,
                1.0, 8.0, 512, Fill.RANDOM);
    }

    /**
     * glm-4v-9b's real widths (GLM4V_SPEC section 1) with fewer layers. The vocabulary keeps the
     * real 151552 embedding rows, but the tokenizer is the small synthetic one, so the special
     * ids (eos, boi, eoi) sit right after its 512 ordinary tokens, not at 151329.
     */
    public static SynthOptions glm4v9b(int layers, int visionLayers) {
        return new SynthOptions(layers, 4096, 32, 2, 128, 13696, visionLayers, 1792, 16, 15360, 14, 1120,
                256, 151552, DType.BF16, 1, 0L, 1.0, 8.0, 8192, Fill.RANDOM);
    }

    public SynthOptions withLayers(int text, int vision) {
        return new SynthOptions(text, hidden, heads, kvGroups, kvChannels, ffn, vision, visionHidden,
                visionHeads, visionFfn, patch, imageSize, merges, paddedVocab, dtype, shards, seed, ropeRatio,
                scalingFactor, seqLength, fill);
    }

    public SynthOptions withDtype(DType d) {
        return new SynthOptions(layers, hidden, heads, kvGroups, kvChannels, ffn, visionLayers, visionHidden,
                visionHeads, visionFfn, patch, imageSize, merges, paddedVocab, d, shards, seed, ropeRatio,
                scalingFactor, seqLength, fill);
    }

    public SynthOptions withShards(int n) {
        return new SynthOptions(layers, hidden, heads, kvGroups, kvChannels, ffn, visionLayers, visionHidden,
                visionHeads, visionFfn, patch, imageSize, merges, paddedVocab, dtype, n, seed, ropeRatio,
                scalingFactor, seqLength, fill);
    }

    public SynthOptions withSeed(long s) {
        return new SynthOptions(layers, hidden, heads, kvGroups, kvChannels, ffn, visionLayers, visionHidden,
                visionHeads, visionFfn, patch, imageSize, merges, paddedVocab, dtype, shards, s, ropeRatio,
                scalingFactor, seqLength, fill);
    }

    public SynthOptions withFill(Fill f) {
        return new SynthOptions(layers, hidden, heads, kvGroups, kvChannels, ffn, visionLayers, visionHidden,
                visionHeads, visionFfn, patch, imageSize, merges, paddedVocab, dtype, shards, seed, ropeRatio,
                scalingFactor, seqLength, f);
    }

    public SynthOptions withVocab(int mergeCount, int padded) {
        return new SynthOptions(layers, hidden, heads, kvGroups, kvChannels, ffn, visionLayers, visionHidden,
                visionHeads, visionFfn, patch, imageSize, mergeCount, padded, dtype, shards, seed, ropeRatio,
                scalingFactor, seqLength, fill);
    }

    /** Head dim actually used: kvChannels, or hidden/heads when 0. */
    public int headDim() {
        return kvChannels > 0 ? kvChannels : (heads > 0 ? hidden / heads : 0);
    }

    private static void atLeast(String field, long value, long min) {
        if (value < min) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "synth option " + field + "=" + value
                    + " must be >= " + min);
        }
    }
}
