package io.glm4vee.ra.context;

import io.glm4vee.config.AdapterSettings;
import io.glm4vee.config.ConfigException;
import io.glm4vee.engine.backend.BackendUnavailableException;
import io.glm4vee.engine.backend.Backends;
import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.device.FaultInjector;
import io.glm4vee.engine.model.GenerationDefaults;
import io.glm4vee.engine.model.ModelConfig;
import io.glm4vee.engine.parallel.TpPlan;
import io.glm4vee.engine.tokenizer.GlmTokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The start-time checks that need the checkpoint's small files (config.json,
 * generation_config.json, tokenizer.model) but no weights: tp divides the model, the sequence
 * length fits, the KV budget fits the heap, the fault rules parse. Each failure is a
 * ConfigException naming the setting, its value and the rule.
 */
final class ModelChecks {
    private ModelChecks() {
    }

    record Checked(Path dir, ModelConfig config, GenerationDefaults generationDefaults, GlmTokenizer tokenizer,
                   FaultInjector faults, long loadDelayMillis) {
    }

    static Checked check(AdapterSettings s) {
        try {
            Backends.get(s.backend());
        } catch (BackendUnavailableException e) {
            throw new ConfigException(AdapterSettings.BACKEND, s.backend(), e.getMessage());
        }
        Path dir = Path.of(s.modelPath());
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(AdapterSettings.MODEL_PATH, s.modelPath(), "is not a directory");
        }
        if (!Files.isRegularFile(dir.resolve(ModelConfig.FILE_NAME))) {
            throw new ConfigException(AdapterSettings.MODEL_PATH, s.modelPath(), "has no config.json; expected a "
                    + "GLM-4V checkpoint directory (config.json, tokenizer.model, *.safetensors)");
        }
        ModelConfig config;
        GenerationDefaults gen;
        try {
            config = ModelConfig.load(dir);
            gen = GenerationDefaults.load(dir);
        } catch (EngineException e) {
            throw new ConfigException(AdapterSettings.MODEL_PATH, s.modelPath(), "the checkpoint's configuration is "
                    + "not usable: " + e.getMessage());
        }
        List<String> tpProblems = TpPlan.problems(config, s.tensorParallelSize());
        if (!tpProblems.isEmpty()) {
            throw new ConfigException(AdapterSettings.TENSOR_PARALLEL_SIZE, s.tensorParallelSize(), "this checkpoint "
                    + "cannot be split over " + s.tensorParallelSize() + " cards: " + String.join("; ", tpProblems));
        }
        if (s.maxSequenceLength() > config.seqLength()) {
            throw new ConfigException(AdapterSettings.MAX_SEQUENCE_LENGTH, s.maxSequenceLength(), "must not exceed the "
                    + "model's seq_length " + config.seqLength() + " (0 = use seq_length)");
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (s.kvCacheBudgetBytes() > 0 && s.kvCacheBudgetBytes() * s.contexts() > heap) {
            throw new ConfigException(AdapterSettings.KV_CACHE_BUDGET_BYTES, s.kvCacheBudgetBytes(), "x contexts="
                    + s.contexts() + " is more than the JVM's maximum heap of " + heap + " bytes (-Xmx), where KV "
                    + "caches of CPU cards live");
        }
        FaultInjector faults;
        try {
            faults = FaultInjector.parse(s.cardFaults());
        } catch (EngineException e) {
            throw new ConfigException(AdapterSettings.FAULT_INJECTION, String.join(",", s.faultInjection()),
                    e.getMessage());
        }
        GlmTokenizer tokenizer;
        try {
            tokenizer = GlmTokenizer.load(dir.resolve("tokenizer.model"), config.paddedVocabSize());
        } catch (EngineException e) {
            throw new ConfigException(AdapterSettings.MODEL_PATH, s.modelPath(), "tokenizer.model is not usable: "
                    + e.getMessage());
        }
        return new Checked(dir, config, gen, tokenizer, faults, s.loadDelayMillis());
    }
}
