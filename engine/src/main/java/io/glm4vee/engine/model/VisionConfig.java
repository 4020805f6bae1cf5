package io.glm4vee.engine.model;

/**
 * The EVA2-CLIP vision tower settings (config.json "vision_config", GLM4V_SPEC section 1).
 * Built only through {@link ModelConfig#parse}, which validates it.
 */
public record VisionConfig(
        int hiddenSize,        // 1792 for glm-4v-9b
        int numLayers,         // "num_hidden_layers", 63
        int numHeads,          // 16
        int intermediateSize,  // fc1 rows, 15360
        int patchSize,         // 14
        int imageSize,         // 1120 (fixed: position embeddings are not interpolated)
        int numPositions,      // grid^2 + 1 (the CLS row comes first), 6401
        int inChannels,        // 3
        double layerNormEps,   // eps of the tower's LayerNorms (the adapter uses 1e-5)
        double scalingFactor,  // the vision output is divided by it
        String hiddenAct) {    // only "gelu" (exact erf form) is supported

    /** Patches per side: imageSize / patchSize (80). */
    public int grid() {
        return imageSize / patchSize;
    }

    /** Image tokens after the 2x2 stride-2 conv: (grid/2)^2 (1600), excluding boi/eoi. */
    public int imageTokens() {
        int half = grid() / 2;
        return half * half;
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    static VisionConfig parse(JsonFields v) {
        VisionConfig c = new VisionConfig(
                v.requiredInt("hidden_size"),
                v.requiredInt("num_hidden_layers"),
                v.requiredInt("num_heads"),
                v.requiredInt("intermediate_size"),
                v.requiredInt("patch_size"),
                v.requiredInt("image_size"),
                v.requiredInt("num_positions"),
                v.optionalInt("in_channels", 3),
                v.requiredDouble("layer_norm_eps"),
                v.requiredDouble("scaling_factor"),
                v.requiredString("hidden_act"));
        c.validate(v);
        return c;
    }

    private void validate(JsonFields v) {
        positive(v, "hidden_size", hiddenSize);
        positive(v, "num_hidden_layers", numLayers);
        positive(v, "num_heads", numHeads);
        positive(v, "intermediate_size", intermediateSize);
        positive(v, "patch_size", patchSize);
        positive(v, "image_size", imageSize);
        positive(v, "in_channels", inChannels);
        if (!(layerNormEps > 0)) {
            throw v.bad("layer_norm_eps", layerNormEps, "must be > 0");
        }
        if (!(scalingFactor > 0) || Double.isInfinite(scalingFactor)) {
            throw v.bad("scaling_factor", scalingFactor, "must be a finite number > 0");
        }
        if (!"gelu".equals(hiddenAct)) {
            throw v.bad("hidden_act", hiddenAct, "is not supported (only \"gelu\", the exact erf GELU)");
        }
        if (hiddenSize % numHeads != 0) {
            throw v.bad("hidden_size", hiddenSize, "must be divisible by num_heads=" + numHeads);
        }
        if (imageSize % patchSize != 0) {
            throw v.bad("image_size", imageSize, "must be a multiple of patch_size=" + patchSize);
        }
        if (grid() % 2 != 0) {
            throw v.bad("image_size", imageSize, "gives an odd patch grid " + grid()
                    + " (image_size/patch_size must be even for the 2x2 stride-2 conv)");
        }
        long expected = (long) grid() * grid() + 1;
        if (numPositions != expected) {
            throw v.bad("num_positions", numPositions, "must equal (image_size/patch_size)^2 + 1 = "
                    + expected + " (one CLS row plus one per patch)");
        }
    }

    private static void positive(JsonFields v, String field, int value) {
        if (value <= 0) {
            throw v.bad(field, value, "must be > 0");
        }
    }
}
