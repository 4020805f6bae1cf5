package io.glm4vee.engine.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.model.GenerationDefaults;
import io.glm4vee.engine.model.ModelConfig;
import io.glm4vee.engine.tensor.DType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SyntheticCheckpointTest {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path tmp;

    /** glm-4v-9b's tensor table for 2 text and 2 vision layers, typed from GLM4V_SPEC section 2. */
    private static Map<String, long[]> glm4v9bTable() {
        Map<String, long[]> t = new TreeMap<>();
        t.put("transformer.embedding.word_embeddings.weight", new long[] {151552, 4096});
        for (int i = 0; i < 2; i++) {
            String p = "transformer.encoder.layers." + i + ".";
            t.put(p + "input_layernorm.weight", new long[] {4096});
            t.put(p + "self_attention.query_key_value.weight", new long[] {4608, 4096});
            t.put(p + "self_attention.query_key_value.bias", new long[] {4608});
            t.put(p + "self_attention.dense.weight", new long[] {4096, 4096});
            t.put(p + "post_attention_layernorm.weight", new long[] {4096});
            t.put(p + "mlp.dense_h_to_4h.weight", new long[] {27392, 4096});
            t.put(p + "mlp.dense_4h_to_h.weight", new long[] {4096, 13696});
        }
        t.put("transformer.encoder.final_layernorm.weight", new long[] {4096});
        t.put("transformer.output_layer.weight", new long[] {151552, 4096});
        t.put("transformer.rotary_pos_emb.inv_freq", new long[] {32});
        String v = "transformer.vision.";
        t.put(v + "patch_embedding.proj.weight", new long[] {1792, 3, 14, 14});
        t.put(v + "patch_embedding.proj.bias", new long[] {1792});
        t.put(v + "patch_embedding.cls_embedding", new long[] {1, 1792});
        t.put(v + "patch_embedding.position_embedding.weight", new long[] {6401, 1792});
        for (int j = 0; j < 2; j++) {
            String p = v + "transformer.layers." + j + ".";
            t.put(p + "input_layernorm.weight", new long[] {1792});
            t.put(p + "input_layernorm.bias", new long[] {1792});
            t.put(p + "attention.query_key_value.weight", new long[] {5376, 1792});
            t.put(p + "attention.query_key_value.bias", new long[] {5376});
            t.put(p + "attention.dense.weight", new long[] {1792, 1792});
            t.put(p + "attention.dense.bias", new long[] {1792});
            t.put(p + "mlp.fc1.weight", new long[] {15360, 1792});
            t.put(p + "mlp.fc1.bias", new long[] {15360});
            t.put(p + "mlp.fc2.weight", new long[] {1792, 15360});
            t.put(p + "mlp.fc2.bias", new long[] {1792});
            t.put(p + "post_attention_layernorm.weight", new long[] {1792});
            t.put(p + "post_attention_layernorm.bias", new long[] {1792});
        }
        t.put(v + "conv.weight", new long[] {4096, 1792, 2, 2});
        t.put(v + "conv.bias", new long[] {4096});
        t.put(v + "linear_proj.linear_proj.weight", new long[] {4096, 4096});
        t.put(v + "linear_proj.norm1.weight", new long[] {4096});
        t.put(v + "linear_proj.norm1.bias", new long[] {4096});
        t.put(v + "linear_proj.gate_proj.weight", new long[] {13696, 4096});
        t.put(v + "linear_proj.dense_h_to_4h.weight", new long[] {13696, 4096});
        t.put(v + "linear_proj.dense_4h_to_h.weight", new long[] {4096, 13696});
        t.put(v + "boi", new long[] {1, 1, 4096});
        t.put(v + "eoi", new long[] {1, 1, 4096});
        return t;
    }

    @Test
    void zeroFilledGlm4v9bWidths() throws IOException {
        SynthOptions o = SynthOptions.glm4v9b(2, 2).withFill(SynthOptions.Fill.ZERO);
        SyntheticCheckpoint.Result r = SyntheticCheckpoint.write(tmp, o);
        Map<String, long[]> expected = glm4v9bTable();
        assertEquals(56, expected.size());
        try (Checkpoint c = Checkpoint.open(tmp)) {
            assertEquals(expected.keySet(), c.names());
            expected.forEach((n, s) -> assertArrayEquals(s, c.info(n).shape(), n));
            c.names().forEach(n -> assertEquals(DType.BF16, c.info(n).dtype()));
            assertEquals(7, countMatching(c, "transformer.encoder.layers.1."));
            assertEquals(12, countMatching(c, "transformer.vision.transformer.layers.1."));
            ModelConfig config = ModelConfig.load(tmp);
            assertEquals(r.config(), config);
            CheckpointSpec.of(config).validate(c);
            assertEquals(r.dataBytes(), c.totalBytes());
            assertTrue(c.totalBytes() > (3L << 30), "a 9B-width checkpoint is several GB");
            // Offsets past 2 GiB work: some tensor starts beyond Integer.MAX_VALUE and reads as zeros.
            TensorInfo far = c.names().stream().map(c::info).filter(i -> i.fileOffset() > Integer.MAX_VALUE)
                    .findFirst().orElseThrow();
            MemorySegment s = c.data(far.name());
            assertEquals(0, s.get(I16, s.byteSize() - 2));
            // The special ids follow the small tokenizer's 256 + 256 ordinary tokens.
            assertEquals(151552, config.paddedVocabSize());
            assertArrayEquals(new int[] {512, 519, 521}, config.eosTokenIds());
            assertEquals(522, config.boiTokenId());
            assertEquals(523, config.eoiTokenId());
            assertEquals(1600, config.vision().imageTokens());
        }
        assertEquals(512, Files.readAllLines(tmp.resolve("tokenizer.model")).size());
    }

    private static long countMatching(Checkpoint c, String prefix) {
        return c.names().stream().filter(n -> n.startsWith(prefix)).count();
    }

    @ParameterizedTest(name = "{0} x {1} shard(s)")
    @CsvSource({"BF16, 1", "BF16, 3", "F32, 1", "F32, 3"})
    void randomTinyLoadsBackAndValidates(DType dtype, int shards) throws IOException {
        SynthOptions o = SynthOptions.tiny().withDtype(dtype).withShards(shards).withSeed(7);
        SyntheticCheckpoint.Result r = SyntheticCheckpoint.write(tmp, o);
        assertEquals(shards, r.files().size());
        assertEquals(shards > 1, Files.exists(tmp.resolve(Checkpoint.INDEX_FILE)));
        try (Checkpoint c = Checkpoint.open(tmp)) {
            CheckpointSpec.of(ModelConfig.load(tmp)).validate(c);
            assertEquals(r.tensorCount(), c.size());
            assertEquals(r.dataBytes(), c.totalBytes());
            c.names().forEach(n -> assertEquals(dtype, c.info(n).dtype()));
            // Roles get the make_tiny distributions: norms ~ 1 +- 0.1, linear weights ~ N(0, 1/fan_in).
            double[] norm = stats(c, "transformer.encoder.layers.0.input_layernorm.weight");
            assertEquals(1.0, norm[0], 0.05);
            assertEquals(0.1, norm[1], 0.04);
            double[] h4 = stats(c, "transformer.encoder.layers.0.mlp.dense_h_to_4h.weight");   // [192, 64]
            assertEquals(0.0, h4[0], 0.02);
            assertEquals(1 / Math.sqrt(64), h4[1], 0.01);
            double[] inv = values(c, CheckpointSpec.INV_FREQ);
            assertEquals(1.0, inv[0]);
            assertEquals(Math.pow(10000, -0.25), inv[1], 1e-3);
        }
        if (shards > 1) {
            JsonNode index = new ObjectMapper().readTree(tmp.resolve(Checkpoint.INDEX_FILE).toFile());
            assertEquals(r.dataBytes(), index.get("metadata").get("total_size").longValue());
            assertTrue(Files.exists(tmp.resolve("model-00003-of-00003.safetensors")));
        }
    }

    @Test
    void valuesDependOnSeedNotOnShardingOrDtype() throws IOException {
        SynthOptions o = SynthOptions.tiny().withSeed(11);
        Map<String, double[]> one = readAll(SyntheticCheckpoint.write(tmp.resolve("a"), o).dir());
        Map<String, double[]> three = readAll(SyntheticCheckpoint.write(tmp.resolve("b"), o.withShards(3)).dir());
        Map<String, double[]> f32 = readAll(SyntheticCheckpoint.write(tmp.resolve("c"), o.withDtype(DType.F32)).dir());
        Map<String, double[]> other = readAll(SyntheticCheckpoint.write(tmp.resolve("d"), o.withSeed(12)).dir());
        assertEquals(one.keySet(), three.keySet());
        one.forEach((n, v) -> assertArrayEquals(v, three.get(n), n));
        // bf16 files hold the f32 values rounded to nearest even.
        one.forEach((n, v) -> {
            double[] w = f32.get(n);
            for (int i = 0; i < v.length; i++) {
                assertEquals(DType.bf16ToFloat(DType.floatToBf16((float) w[i])), (float) v[i], n);
            }
        });
        String emb = "transformer.embedding.word_embeddings.weight";
        assertFalse(java.util.Arrays.equals(one.get(emb), other.get(emb)));
        // Distinct tensors of equal shape get distinct streams.
        assertNotEquals(one.get("transformer.vision.boi")[0], one.get("transformer.vision.eoi")[0]);
    }

    @Test
    void tokenizerAndSideFiles() throws IOException {
        SyntheticCheckpoint.write(tmp, SynthOptions.tiny().withVocab(100, 0));
        List<String> lines = Files.readAllLines(tmp.resolve("tokenizer.model"), StandardCharsets.US_ASCII);
        assertEquals(356, lines.size());
        assertEquals("IQ== 0", lines.get(0));   // '!' is rank 0
        Map<String, Integer> tokens = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String[] parts = lines.get(i).split(" ");
            assertEquals(i, Integer.parseInt(parts[1]));
            tokens.put(new String(Base64.getDecoder().decode(parts[0]), StandardCharsets.ISO_8859_1), i);
        }
        assertEquals(356, tokens.size(), "token byte strings are unique");
        assertTrue(tokens.containsKey(" the"), "the corpus teaches whole words");
        ModelConfig config = ModelConfig.load(tmp);
        assertEquals(384, config.paddedVocabSize());   // 356 + 14 specials rounded up to 64
        assertArrayEquals(new int[] {356, 363, 365}, config.eosTokenIds());
        assertEquals(366, config.boiTokenId());
        GenerationDefaults g = GenerationDefaults.load(tmp);
        assertArrayEquals(config.eosTokenIds(), g.eosTokenIds());
        assertEquals(356, g.padTokenId());
        JsonNode tok = new ObjectMapper().readTree(tmp.resolve("tokenizer_config.json").toFile());
        assertEquals("<|begin_of_image|>", tok.get("added_tokens_decoder").get("366").get("content").textValue());
    }

    @Test
    void rewritingWithOneShardRemovesAStaleIndex() {
        SyntheticCheckpoint.write(tmp, SynthOptions.tiny().withShards(2).withFill(SynthOptions.Fill.ZERO));
        SyntheticCheckpoint.write(tmp, SynthOptions.tiny());
        assertFalse(Files.exists(tmp.resolve(Checkpoint.INDEX_FILE)));
        try (Checkpoint c = Checkpoint.open(tmp)) {
            assertEquals(List.of(tmp.resolve(Checkpoint.SINGLE_FILE)), c.files());
        }
    }

    @Test
    void badOptionsFailWithTheConfigRule() {
        SynthOptions odd = new SynthOptions(1, 64, 4, 3, 0, 96, 1, 32, 4, 64, 7, 28, 10, 0, DType.BF16, 1, 0,
                1, 8, 64, SynthOptions.Fill.ZERO);
        EngineException e = assertThrows(EngineException.class, () -> SyntheticCheckpoint.write(tmp, odd));
        assertTrue(e.getMessage().contains("num_attention_heads=4"), e.getMessage());
        e = assertThrows(EngineException.class, () -> SyntheticCheckpoint.write(tmp, SynthOptions.tiny().withVocab(10, 200)));
        assertTrue(e.getMessage().contains("paddedVocab=200"), e.getMessage());
        e = assertThrows(EngineException.class, () -> SyntheticCheckpoint.write(tmp, SynthOptions.tiny().withVocab(100000, 0)));
        assertTrue(e.getMessage().contains("merges=100000"), e.getMessage());
        assertThrows(EngineException.class, () -> SynthOptions.tiny().withShards(0));
        e = assertThrows(EngineException.class, () -> SyntheticCheckpoint.write(tmp, SynthOptions.tiny().withShards(500)));
        assertTrue(e.getMessage().contains("shards=500"), e.getMessage());
    }

    @Test
    void shardSplitIsBalancedAndNeverEmpty() {
        List<SafetensorsWriter.Entry> entries = new java.util.ArrayList<>();
        entries.add(new SafetensorsWriter.Entry("big", DType.F32, new long[] {1000}));
        for (int i = 0; i < 5; i++) {
            entries.add(new SafetensorsWriter.Entry("s" + i, DType.F32, new long[] {10}));
        }
        List<List<SafetensorsWriter.Entry>> parts = SyntheticCheckpoint.split(entries, 4);
        assertEquals(4, parts.size());
        parts.forEach(p -> assertFalse(p.isEmpty()));
        assertEquals(List.of("big"), parts.get(0).stream().map(SafetensorsWriter.Entry::name).toList());
        assertEquals(6, parts.stream().mapToInt(List::size).sum());
    }

    static double[] values(Checkpoint c, String name) {
        TensorInfo t = c.info(name);
        MemorySegment s = c.data(name);
        double[] out = new double[(int) t.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (t.dtype()) {
                case F32 -> s.get(F32, 4L * i);
                case BF16 -> DType.bf16ToFloat(s.get(I16, 2L * i));
                case F16 -> Float.float16ToFloat(s.get(I16, 2L * i));
            };
        }
        return out;
    }

    private static double[] stats(Checkpoint c, String name) {
        double[] v = values(c, name);
        double mean = java.util.Arrays.stream(v).average().orElseThrow();
        double var = java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).average().orElseThrow();
        return new double[] {mean, Math.sqrt(var)};
    }

    private static Map<String, double[]> readAll(Path dir) {
        Map<String, double[]> out = new TreeMap<>();
        try (Checkpoint c = Checkpoint.open(dir)) {
            c.names().forEach(n -> out.put(n, values(c, n)));
        }
        return out;
    }
}
