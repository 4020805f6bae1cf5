package io.glm4vee.engine.model;

import io.glm4vee.engine.weights.Checkpoint;
import io.glm4vee.engine.weights.TensorInfo;

import java.util.Map;
import java.util.TreeMap;

/** Parameter counts and byte budgets of a checkpoint, for info and bench. */
public record ModelStats(long parameters, long weightBytes, Map<String, Long> bytesByDtype, long visionParameters,
                         long decodeBytesPerToken, long kvBytesPerToken) {

    private static final String IGNORED = "transformer.rotary_pos_emb.inv_freq";

    public static ModelStats of(ModelConfig cfg, Checkpoint ckpt) {
        long params = 0;
        long bytes = 0;
        long vision = 0;
        long decode = 0;
        Map<String, Long> byDtype = new TreeMap<>();
        for (String name : ckpt.names()) {
            if (name.equals(IGNORED)) {
                continue;
            }
            TensorInfo t = ckpt.info(name);
            long n = 1;
            for (long d : t.shape()) {
                n *= d;
            }
            long b = n * t.dtype().byteSize();
            params += n;
            bytes += b;
            byDtype.merge(t.dtype().name(), b, Long::sum);
            if (name.startsWith("transformer.vision.")) {
                vision += n;
            }
            // a decode step reads every text block weight and the whole LM head (one embedding row is noise)
            if (name.startsWith("transformer.encoder.") || name.startsWith("transformer.output_layer.")) {
                decode += b;
            }
        }
        long kv = KvCache.bytesFor(cfg.numLayers(), cfg.kvGroups(), cfg.headDim(), 1);
        return new ModelStats(params, bytes, byDtype, vision, decode, kv);
    }
}
