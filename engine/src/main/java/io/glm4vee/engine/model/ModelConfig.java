package io.glm4vee.engine.model;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * The text model settings of a GLM-4V checkpoint, read from config.json (GLM4V_SPEC section 1)
 * and validated on construction: every size the engine derives comes from here, nothing is
 * hard-coded to glm-4v-9b. Unsupported variants fail here, not deep inside a forward pass.
 */
public record ModelConfig(
        int hiddenSize,        // 4096
        int numLayers,         // "num_layers" (falls back to "num_hidden_layers"), 40
        int numHeads,          // query heads, 32
        int kvGroups,          // "multi_query_group_num" when multi_query_attention, else numHeads
        int headDim,           // "kv_channels" (else hidden/heads), 128
        int ffnHiddenSize,     // 13696; dense_h_to_4h has 2x this many rows (gate ; up)
        int paddedVocabSize,   // rows of the embedding and LM head, 151552
        int vocabSize,         // "vocab_size" (defaults to padded_vocab_size)
        int seqLength,         // sizes the RoPE table
        double layerNormEps,   // RMSNorm eps, "layernorm_epsilon"
        double ropeRatio,      // RoPE base = 10000 * rope_ratio; absent means 1
        boolean addQkvBias,    // QKV has a bias; dense and MLP never do
        int[] eosTokenIds,     // stop ids; a single number in the file becomes one element
        Integer padTokenId,    // nullable
        Integer boiTokenId,    // nullable; <|begin_of_image|>
        Integer eoiTokenId,    // nullable; <|end_of_image|>
        String torchDtype,     // nullable; informative only, tensors carry their own dtype
        VisionConfig vision) { // nullable when the checkpoint has no vision_config

    public static final String FILE_NAME = "config.json";

    public ModelConfig {
        eosTokenIds = eosTokenIds == null ? new int[0] : eosTokenIds.clone();
    }

    @Override
    public int[] eosTokenIds() {
        return eosTokenIds.clone();
    }

    public boolean hasVision() {
        return vision != null;
    }

    public double ropeBase() {
        return 10000.0 * ropeRatio;
    }

    /** Only the first half of each head is rotated (GLM "original" RoPE). */
    public int rotaryDim() {
        return headDim / 2;
    }

    /** Query heads sharing one KV group (16 for glm-4v-9b). */
    public int headsPerGroup() {
        return numHeads / kvGroups;
    }

    /** Rows of the fused QKV weight: q heads, then k groups, then v groups. */
    public int qkvRows() {
        return (numHeads + 2 * kvGroups) * headDim;
    }

    public static ModelConfig load(Path checkpointDir) {
        Path file = checkpointDir.resolve(FILE_NAME);
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new EngineException(ErrorCode.BAD_CONFIG,
                    file + " does not exist (is " + checkpointDir + " a GLM-4V checkpoint directory?)", e);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.BAD_CONFIG, "cannot read " + file + ": " + e, e);
        }
        return parse(json, file.toString());
    }

    public static ModelConfig parse(String json) {
        return parse(json, FILE_NAME);
    }

    private static ModelConfig parse(String json, String where) {
        JsonFields c = JsonFields.parse(json, where);
        rejectUnsupportedVariants(c);
        int hidden = c.requiredInt("hidden_size");
        int heads = c.requiredInt("num_attention_heads");
        if (!c.has("num_layers") && !c.has("num_hidden_layers")) {
            throw c.missing("num_layers (or num_hidden_layers)");
        }
        int layers = c.has("num_layers") ? c.requiredInt("num_layers") : c.requiredInt("num_hidden_layers");
        boolean mqa = c.optionalBool("multi_query_attention", false);
        int groups = mqa ? c.requiredInt("multi_query_group_num") : heads;
        Integer kvChannels = c.optionalInt("kv_channels");
        int padded = c.requiredInt("padded_vocab_size");
        JsonFields v = c.object("vision_config");
        ModelConfig m = new ModelConfig(hidden, layers, heads, groups,
                kvChannels != null ? kvChannels : (heads > 0 ? hidden / heads : 0),
                c.requiredInt("ffn_hidden_size"), padded, c.optionalInt("vocab_size", padded),
                c.requiredInt("seq_length"), c.requiredDouble("layernorm_epsilon"),
                c.optionalDouble("rope_ratio", 1.0), c.optionalBool("add_qkv_bias", false),
                c.intOrIntList("eos_token_id"), c.optionalInt("pad_token_id"),
                c.optionalInt("boi_token_id"), c.optionalInt("eoi_token_id"),
                c.optionalString("torch_dtype"), v == null ? null : VisionConfig.parse(v));
        m.validate(c, mqa);
        if (kvChannels == null && hidden % heads != 0) {
            throw c.bad("hidden_size", hidden, "must be divisible by num_attention_heads=" + heads
                    + " when kv_channels is absent");
        }
        return m;
    }

    /** Flags whose other value selects a code path GLM-4V does not use (GLM4V_SPEC 1, 3). */
    private static void rejectUnsupportedVariants(JsonFields c) {
        requireFlag(c, "add_bias_linear", false, "GLM-4 has no bias on dense and MLP weights");
        requireFlag(c, "rmsnorm", true, "only RMSNorm is implemented");
        requireFlag(c, "post_layer_norm", true, "a final RMSNorm is expected");
        requireFlag(c, "apply_residual_connection_post_layernorm", false,
                "the residual must bypass the norm");
        requireFlag(c, "original_rope", true, "only the interleaved (GPT-J style) partial RoPE is implemented");
    }

    private static void requireFlag(JsonFields c, String field, boolean supported, String why) {
        Boolean value = c.optionalBool(field);
        if (value != null && value != supported) {
            throw c.bad(field, value, "is not supported (" + why + ")");
        }
    }

    private void validate(JsonFields c, boolean mqa) {
        positive(c, "hidden_size", hiddenSize);
        positive(c, c.has("num_layers") ? "num_layers" : "num_hidden_layers", numLayers);
        positive(c, "num_attention_heads", numHeads);
        positive(c, mqa ? "multi_query_group_num" : "num_attention_heads", kvGroups);
        positive(c, "kv_channels", headDim);
        positive(c, "ffn_hidden_size", ffnHiddenSize);
        positive(c, "padded_vocab_size", paddedVocabSize);
        positive(c, "vocab_size", vocabSize);
        positive(c, "seq_length", seqLength);
        if (!(layerNormEps > 0)) {
            throw c.bad("layernorm_epsilon", layerNormEps, "must be > 0");
        }
        if (!(ropeRatio > 0) || Double.isInfinite(ropeRatio)) {
            throw c.bad("rope_ratio", ropeRatio, "must be a finite number > 0");
        }
        // RoPE rotates headDim/2 dims as interleaved pairs, so headDim/2 must itself be even.
        if (headDim % 4 != 0) {
            throw c.bad("kv_channels", headDim, "must be a multiple of 4 (RoPE rotates kv_channels/2 "
                    + "dims as interleaved pairs)");
        }
        if (numHeads % kvGroups != 0) {
            throw c.bad("num_attention_heads", numHeads,
                    "must be divisible by multi_query_group_num=" + kvGroups);
        }
        if (paddedVocabSize < vocabSize) {
            throw c.bad("padded_vocab_size", paddedVocabSize, "must be >= vocab_size=" + vocabSize);
        }
        for (int id : eosTokenIds) {
            checkId(c, "eos_token_id", id);
        }
        checkId(c, "pad_token_id", padTokenId);
        checkId(c, "boi_token_id", boiTokenId);
        checkId(c, "eoi_token_id", eoiTokenId);
    }

    private void checkId(JsonFields c, String field, Integer id) {
        if (id != null && (id < 0 || id >= paddedVocabSize)) {
            throw c.bad(field, id, "must be a token id in [0, padded_vocab_size=" + paddedVocabSize + ")");
        }
    }

    private static void positive(JsonFields c, String field, int value) {
        if (value <= 0) {
            throw c.bad(field, value, "must be > 0");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelConfig m
                && hiddenSize == m.hiddenSize && numLayers == m.numLayers && numHeads == m.numHeads
                && kvGroups == m.kvGroups && headDim == m.headDim && ffnHiddenSize == m.ffnHiddenSize
                && paddedVocabSize == m.paddedVocabSize && vocabSize == m.vocabSize
                && seqLength == m.seqLength && Double.compare(layerNormEps, m.layerNormEps) == 0
                && Double.compare(ropeRatio, m.ropeRatio) == 0 && addQkvBias == m.addQkvBias
                && Arrays.equals(eosTokenIds, m.eosTokenIds) && Objects.equals(padTokenId, m.padTokenId)
                && Objects.equals(boiTokenId, m.boiTokenId) && Objects.equals(eoiTokenId, m.eoiTokenId)
                && Objects.equals(torchDtype, m.torchDtype) && Objects.equals(vision, m.vision);
    }

    @Override
    public int hashCode() {
        return Objects.hash(hiddenSize, numLayers, numHeads, kvGroups, headDim, ffnHiddenSize,
                paddedVocabSize, vocabSize, seqLength, layerNormEps, ropeRatio, addQkvBias,
                Arrays.hashCode(eosTokenIds), padTokenId, boiTokenId, eoiTokenId, torchDtype, vision);
    }

    @Override
    public String toString() {
        return "ModelConfig[hidden=" + hiddenSize + ", layers=" + numLayers + ", heads=" + numHeads
                + ", kvGroups=" + kvGroups + ", headDim=" + headDim + ", ffn=" + ffnHiddenSize
                + ", paddedVocab=" + paddedVocabSize + ", vocab=" + vocabSize + ", seq=" + seqLength
                + ", eps=" + layerNormEps + ", ropeRatio=" + ropeRatio + ", qkvBias=" + addQkvBias
                + ", eos=" + Arrays.toString(eosTokenIds) + ", pad=" + padTokenId + ", boi=" + boiTokenId
                + ", eoi=" + eoiTokenId + ", dtype=" + torchDtype + ", vision=" + vision + "]";
    }
}
