package io.glm4vee.engine.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.model.ModelConfig;
import io.glm4vee.engine.tensor.DType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointSpecTest {
    @TempDir
    Path tmp;

    /** glm-4v-9b's config.json values, GLM4V_SPEC section 1. */
    static ModelConfig glm4v9bConfig() throws IOException {
        ObjectNode c = (ObjectNode) new ObjectMapper().readTree(CheckpointTest.TINY.resolve("config.json").toFile());
        c.put("hidden_size", 4096).put("num_layers", 40).put("num_hidden_layers", 40)
                .put("num_attention_heads", 32).put("multi_query_group_num", 2).put("kv_channels", 128)
                .put("ffn_hidden_size", 13696).put("padded_vocab_size", 151552).put("vocab_size", 151552)
                .put("seq_length", 8192).put("boi_token_id", 151339).put("eoi_token_id", 151340)
                .put("pad_token_id", 151329);
        c.putArray("eos_token_id").add(151329).add(151336).add(151338);
        ((ObjectNode) c.get("vision_config")).put("hidden_size", 1792).put("num_hidden_layers", 63)
                .put("num_heads", 16).put("intermediate_size", 15360).put("patch_size", 14)
                .put("image_size", 1120).put("num_positions", 6401);
        return ModelConfig.parse(c.toString());
    }

    @Test
    void glm4v9bTableCountsAndParameters() throws IOException {
        CheckpointSpec spec = CheckpointSpec.of(glm4v9bConfig());
        // Shapes typed from GLM4V_SPEC section 2.
        String t = "transformer.encoder.layers.39.";
        String v = "transformer.vision.transformer.layers.62.";
        Map<String, long[]> expected = new LinkedHashMap<>();
        expected.put("transformer.embedding.word_embeddings.weight", new long[] {151552, 4096});
        expected.put(t + "self_attention.query_key_value.weight", new long[] {4608, 4096});
        expected.put(t + "self_attention.query_key_value.bias", new long[] {4608});
        expected.put(t + "self_attention.dense.weight", new long[] {4096, 4096});
        expected.put(t + "mlp.dense_h_to_4h.weight", new long[] {27392, 4096});
        expected.put(t + "mlp.dense_4h_to_h.weight", new long[] {4096, 13696});
        expected.put("transformer.output_layer.weight", new long[] {151552, 4096});
        expected.put("transformer.vision.patch_embedding.proj.weight", new long[] {1792, 3, 14, 14});
        expected.put("transformer.vision.patch_embedding.position_embedding.weight", new long[] {6401, 1792});
        expected.put(v + "attention.query_key_value.weight", new long[] {5376, 1792});
        expected.put(v + "mlp.fc2.weight", new long[] {1792, 15360});
        expected.put("transformer.vision.conv.weight", new long[] {4096, 1792, 2, 2});
        expected.put("transformer.vision.linear_proj.gate_proj.weight", new long[] {13696, 4096});
        expected.put("transformer.vision.boi", new long[] {1, 1, 4096});
        expected.forEach((name, shape) -> assertArrayEquals(shape, spec.shape(name), name));
        assertArrayEquals(new long[] {32}, spec.shape(CheckpointSpec.INV_FREQ));

        List<String> names = spec.requiredNames();
        assertEquals(283, names.stream().filter(n -> !n.startsWith("transformer.vision.")).count());
        assertEquals(770, names.stream().filter(n -> n.startsWith("transformer.vision.")).count());
        assertEquals(13_906_320_896L, spec.parameterCount());   // GLM4V_SPEC section 9 (= issue #500 total)
        assertEquals("transformer.embedding.word_embeddings.weight", names.get(0));
        assertEquals("transformer.vision.eoi", names.get(names.size() - 1));
        assertFalse(names.contains(CheckpointSpec.INV_FREQ));
    }

    @Test
    void noQkvBiasAndNoVision() throws IOException {
        ObjectNode c = (ObjectNode) new ObjectMapper().readTree(CheckpointTest.TINY.resolve("config.json").toFile());
        c.put("add_qkv_bias", false);
        c.remove("vision_config");
        CheckpointSpec spec = CheckpointSpec.of(ModelConfig.parse(c.toString()));
        assertEquals(1 + 2 * 6 + 2, spec.size());
        assertNull(spec.shape("transformer.encoder.layers.0.self_attention.query_key_value.bias"));
    }

    @Test
    void validateListsMissingUnexpectedAndMisShaped() throws IOException {
        ModelConfig config = ModelConfig.load(CheckpointTest.TINY);
        List<SafetensorsWriter.Entry> entries = new ArrayList<>();
        CheckpointSpec spec = CheckpointSpec.of(config);
        spec.required().forEach((n, s) -> entries.add(new SafetensorsWriter.Entry(n, DType.BF16, s)));
        entries.removeIf(e -> e.name().equals("transformer.vision.eoi"));
        entries.replaceAll(e -> e.name().equals("transformer.encoder.layers.1.mlp.dense_4h_to_h.weight")
                ? new SafetensorsWriter.Entry(e.name(), DType.BF16, new long[] {64, 95}) : e);
        entries.add(new SafetensorsWriter.Entry("transformer.extra.weight", DType.F32, new long[] {3}));
        SafetensorsWriter.write(tmp.resolve(Checkpoint.SINGLE_FILE), entries, null, (e, sink) -> sink.zeros());
        try (Checkpoint c = Checkpoint.open(tmp)) {
            EngineException e = assertThrows(EngineException.class, () -> spec.validate(c));
            assertEquals(ErrorCode.BAD_TENSOR, e.code());
            String m = e.getMessage();
            assertTrue(m.contains("3 problem(s)"), m);
            assertTrue(m.contains("missing transformer.vision.eoi [1, 1, 64]"), m);
            assertTrue(m.contains("unexpected transformer.extra.weight [3]"), m);
            assertTrue(m.contains("mis-shaped transformer.encoder.layers.1.mlp.dense_4h_to_h.weight: "
                    + "expected [64, 96], got [64, 95]"), m);
            assertTrue(m.contains("allowed dtypes [F32, BF16, F16]"), m);
        }
    }

    @Test
    void validateCapsTheListAt20() throws IOException {
        // A checkpoint for a 1-layer model checked against a 2-layer config: 7 missing text + 12 vision
        // tensors, plus the mis-shaped ones from a different ffn: more than 20 problems.
        SynthOptions o = SynthOptions.tiny().withLayers(1, 1).withFill(SynthOptions.Fill.ZERO);
        SyntheticCheckpoint.write(tmp, o);
        ObjectNode c = (ObjectNode) new ObjectMapper().readTree(tmp.resolve("config.json").toFile());
        c.put("num_layers", 2).put("ffn_hidden_size", 128);
        ((ObjectNode) c.get("vision_config")).put("num_hidden_layers", 2);
        CheckpointSpec spec = CheckpointSpec.of(ModelConfig.parse(c.toString()));
        try (Checkpoint ck = Checkpoint.open(tmp)) {
            List<String> problems = spec.problems(ck);
            assertTrue(problems.size() > 20, problems.toString());
            EngineException e = assertThrows(EngineException.class, () -> spec.validate(ck));
            assertTrue(e.getMessage().contains("... and " + (problems.size() - 20) + " more"), e.getMessage());
        }
    }
}
