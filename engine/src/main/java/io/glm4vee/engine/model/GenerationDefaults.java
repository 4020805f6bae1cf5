package io.glm4vee.engine.model;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * The checkpoint's suggested sampling settings (generation_config.json). Every field is
 * optional: null (or an empty eos list) means "the file does not say", and request values or
 * engine defaults apply instead.
 */
public record GenerationDefaults(
        int[] eosTokenIds,   // empty when absent
        Integer padTokenId,
        Boolean doSample,
        Double temperature,
        Double topP,
        Integer topK,
        Integer maxLength) {

    public static final String FILE_NAME = "generation_config.json";

    public GenerationDefaults {
        eosTokenIds = eosTokenIds == null ? new int[0] : eosTokenIds.clone();
    }

    @Override
    public int[] eosTokenIds() {
        return eosTokenIds.clone();
    }

    /** No file: nothing is suggested. */
    public static GenerationDefaults none() {
        return new GenerationDefaults(new int[0], null, null, null, null, null, null);
    }

    /** Reads dir/generation_config.json, or returns {@link #none()} when the file is absent. */
    public static GenerationDefaults load(Path dir) {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return none();
        }
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new EngineException(ErrorCode.BAD_CONFIG, "cannot read " + file + ": " + e, e);
        }
    }

    public static GenerationDefaults parse(String json) {
        return parse(json, FILE_NAME);
    }

    private static GenerationDefaults parse(String json, String where) {
        JsonFields g = JsonFields.parse(json, where);
        GenerationDefaults d = new GenerationDefaults(g.intOrIntList("eos_token_id"),
                g.optionalInt("pad_token_id"), g.optionalBool("do_sample"),
                g.optionalDouble("temperature"), g.optionalDouble("top_p"),
                g.optionalInt("top_k"), g.optionalInt("max_length"));
        if (d.temperature != null && !(d.temperature >= 0)) {
            throw g.bad("temperature", d.temperature, "must be >= 0");
        }
        if (d.topP != null && !(d.topP > 0 && d.topP <= 1)) {
            throw g.bad("top_p", d.topP, "must be in (0, 1]");
        }
        if (d.topK != null && d.topK < 0) {
            throw g.bad("top_k", d.topK, "must be >= 0 (0 disables top-k)");
        }
        if (d.maxLength != null && d.maxLength <= 0) {
            throw g.bad("max_length", d.maxLength, "must be > 0");
        }
        return d;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GenerationDefaults g && Arrays.equals(eosTokenIds, g.eosTokenIds)
                && Objects.equals(padTokenId, g.padTokenId) && Objects.equals(doSample, g.doSample)
                && Objects.equals(temperature, g.temperature) && Objects.equals(topP, g.topP)
                && Objects.equals(topK, g.topK) && Objects.equals(maxLength, g.maxLength);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(eosTokenIds), padTokenId, doSample, temperature, topP,
                topK, maxLength);
    }

    @Override
    public String toString() {
        return "GenerationDefaults[eos=" + Arrays.toString(eosTokenIds) + ", pad=" + padTokenId
                + ", doSample=" + doSample + ", temperature=" + temperature + ", topP=" + topP
                + ", topK=" + topK + ", maxLength=" + maxLength + "]";
    }
}
