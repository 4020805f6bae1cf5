package io.glm4vee.engine.weights;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.model.ModelConfig;
import io.glm4vee.engine.model.VisionConfig;
import io.glm4vee.engine.tensor.DType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every tensor a GLM-4V checkpoint must hold, with its shape, derived from config sizes only
 * (GLM4V_SPEC section 2). The order is the spec's: text embedding, layers, final norm, LM head,
 * then the vision tower, the 2x2 conv, the GLU adapter and boi/eoi.
 */
public final class CheckpointSpec {
    /** A buffer some chatglm checkpoints carry; the engine recomputes it and ignores it. */
    public static final String INV_FREQ = "transformer.rotary_pos_emb.inv_freq";
    public static final Set<DType> ALLOWED_DTYPES = Collections.unmodifiableSet(EnumSet.allOf(DType.class));
    private static final int MAX_LISTED_PROBLEMS = 20;

    private final Map<String, long[]> required;   // ordered name -> shape
    private final Map<String, long[]> optional;

    private CheckpointSpec(Map<String, long[]> required, Map<String, long[]> optional) {
        this.required = required;
        this.optional = optional;
    }

    public static CheckpointSpec of(ModelConfig c) {
        Map<String, long[]> t = new LinkedHashMap<>();
        long h = c.hiddenSize();
        long f = c.ffnHiddenSize();
        String p = "transformer.";
        t.put(p + "embedding.word_embeddings.weight", dims(c.paddedVocabSize(), h));
        for (int i = 0; i < c.numLayers(); i++) {
            String l = p + "encoder.layers." + i + ".";
            t.put(l + "input_layernorm.weight", dims(h));
            t.put(l + "self_attention.query_key_value.weight", dims(c.qkvRows(), h));
            if (c.addQkvBias()) {
                t.put(l + "self_attention.query_key_value.bias", dims(c.qkvRows()));
            }
            t.put(l + "self_attention.dense.weight", dims(h, (long) c.numHeads() * c.headDim()));
            t.put(l + "post_attention_layernorm.weight", dims(h));
            t.put(l + "mlp.dense_h_to_4h.weight", dims(2 * f, h));   // rows: gate then up
            t.put(l + "mlp.dense_4h_to_h.weight", dims(h, f));
        }
        t.put(p + "encoder.final_layernorm.weight", dims(h));
        t.put(p + "output_layer.weight", dims(c.paddedVocabSize(), h));
        if (c.hasVision()) {
            putVision(t, c.vision(), h, f);
        }
        Map<String, long[]> opt = new LinkedHashMap<>();
        // inv_freq has one entry per rotated pair: rotaryDim/2 (32 for glm-4v-9b).
        opt.put(INV_FREQ, dims(c.rotaryDim() / 2));
        return new CheckpointSpec(Collections.unmodifiableMap(t), Collections.unmodifiableMap(opt));
    }

    private static void putVision(Map<String, long[]> t, VisionConfig v, long h, long f) {
        String p = "transformer.vision.";
        long vh = v.hiddenSize();
        long patch = v.patchSize();
        t.put(p + "patch_embedding.proj.weight", dims(vh, v.inChannels(), patch, patch));
        t.put(p + "patch_embedding.proj.bias", dims(vh));
        t.put(p + "patch_embedding.cls_embedding", dims(1, vh));
        t.put(p + "patch_embedding.position_embedding.weight", dims(v.numPositions(), vh));
        for (int j = 0; j < v.numLayers(); j++) {
            String l = p + "transformer.layers." + j + ".";
            t.put(l + "input_layernorm.weight", dims(vh));
            t.put(l + "input_layernorm.bias", dims(vh));
            t.put(l + "attention.query_key_value.weight", dims(3 * vh, vh));   // rows: q, k, v
            t.put(l + "attention.query_key_value.bias", dims(3 * vh));
            t.put(l + "attention.dense.weight", dims(vh, vh));
            t.put(l + "attention.dense.bias", dims(vh));
            t.put(l + "mlp.fc1.weight", dims(v.intermediateSize(), vh));
            t.put(l + "mlp.fc1.bias", dims(v.intermediateSize()));
            t.put(l + "mlp.fc2.weight", dims(vh, v.intermediateSize()));
            t.put(l + "mlp.fc2.bias", dims(vh));
            t.put(l + "post_attention_layernorm.weight", dims(vh));
            t.put(l + "post_attention_layernorm.bias", dims(vh));
        }
        t.put(p + "conv.weight", dims(h, vh, 2, 2));
        t.put(p + "conv.bias", dims(h));
        t.put(p + "linear_proj.linear_proj.weight", dims(h, h));
        t.put(p + "linear_proj.norm1.weight", dims(h));
        t.put(p + "linear_proj.norm1.bias", dims(h));
        t.put(p + "linear_proj.gate_proj.weight", dims(f, h));
        t.put(p + "linear_proj.dense_h_to_4h.weight", dims(f, h));   // the "up" projection
        t.put(p + "linear_proj.dense_4h_to_h.weight", dims(h, f));
        t.put(p + "boi", dims(1, 1, h));
        t.put(p + "eoi", dims(1, 1, h));
    }

    /** Required tensors in spec order, name -> shape (copies). */
    public Map<String, long[]> required() {
        Map<String, long[]> copy = new LinkedHashMap<>();
        required.forEach((k, v) -> copy.put(k, v.clone()));
        return copy;
    }

    public List<String> requiredNames() {
        return List.copyOf(required.keySet());
    }

    /** Names a checkpoint may carry beyond the required ones (only inv_freq). */
    public Set<String> optionalNames() {
        return optional.keySet();
    }

    /** The expected shape of a required or optional tensor, or null if the name is unknown. */
    public long[] shape(String name) {
        long[] s = required.containsKey(name) ? required.get(name) : optional.get(name);
        return s == null ? null : s.clone();
    }

    public int size() {
        return required.size();
    }

    /** Parameters of the required tensors. */
    public long parameterCount() {
        return required.values().stream().mapToLong(TensorInfo::numel).sum();
    }

    /** Every problem with the checkpoint's tensor table; empty when it matches. */
    public List<String> problems(Checkpoint ckpt) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, long[]> e : required.entrySet()) {
            if (!ckpt.contains(e.getKey())) {
                out.add("missing " + e.getKey() + " " + Arrays.toString(e.getValue()));
            }
        }
        for (String name : ckpt.names()) {
            long[] expected = shape(name);
            if (expected == null) {
                out.add("unexpected " + name + " " + ckpt.info(name).shapeString());
                continue;
            }
            TensorInfo t = ckpt.info(name);
            if (!Arrays.equals(expected, t.shape())) {
                out.add("mis-shaped " + name + ": expected " + Arrays.toString(expected)
                        + ", got " + t.shapeString());
            }
            if (!ALLOWED_DTYPES.contains(t.dtype())) {
                out.add("bad dtype " + name + ": " + t.dtype());
            }
        }
        return out;
    }

    /** Throws BAD_TENSOR listing (up to 20 of) the problems {@link #problems} finds. */
    public void validate(Checkpoint ckpt) {
        List<String> problems = problems(ckpt);
        if (problems.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder("checkpoint ").append(ckpt.dir()).append(" does not match config.json (")
                .append(problems.size()).append(" problem(s); allowed dtypes ").append(ALLOWED_DTYPES).append("):");
        problems.stream().limit(MAX_LISTED_PROBLEMS).forEach(p -> sb.append("\n  ").append(p));
        if (problems.size() > MAX_LISTED_PROBLEMS) {
            sb.append("\n  ... and ").append(problems.size() - MAX_LISTED_PROBLEMS).append(" more");
        }
        throw new EngineException(ErrorCode.BAD_TENSOR, sb.toString());
    }

    private static long[] dims(long... d) {
        return d;
    }
}
