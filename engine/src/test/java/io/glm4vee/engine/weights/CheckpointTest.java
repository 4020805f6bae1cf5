package io.glm4vee.engine.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.model.ModelConfig;
import io.glm4vee.engine.tensor.DType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint on the two checked-in models. Expected numbers were read once with the independent
 * numpy reader (shared/reference/st_io.py load_checkpoint): first four values, last value and
 * the float64 sum of each tensor.
 */
class CheckpointTest {
    static final Path TINY = Path.of("src/test/resources/fixtures/glm4v-tiny-a/checkpoint");
    static final Path DEMO = Path.of("../models/glm4v-shapes-demo");
    static final String SHARD1 = "model-00001-of-00002.safetensors";
    static final String SHARD2 = "model-00002-of-00002.safetensors";
    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path tmp;

    @Test
    void shardedFixture() {
        try (Checkpoint c = Checkpoint.open(TINY)) {
            assertEquals(56, c.names().size());
            assertEquals(329224, c.totalBytes());   // index metadata.total_size
            assertEquals(2, c.files().size());
            c.names().forEach(n -> assertEquals(DType.BF16, c.info(n).dtype(), n));
            TensorInfo emb = c.info("transformer.embedding.word_embeddings.weight");
            assertArrayEquals(new long[] {384, 64}, emb.shape());
            assertEquals(SHARD1, emb.file().getFileName().toString());
            TensorInfo fc1 = c.info("transformer.vision.transformer.layers.0.mlp.fc1.weight");
            assertArrayEquals(new long[] {64, 32}, fc1.shape());
            assertEquals(SHARD2, fc1.file().getFileName().toString());
            assertArrayEquals(new long[] {4}, c.info("transformer.rotary_pos_emb.inv_freq").shape());

            expect(c, "transformer.embedding.word_embeddings.weight",
                    new float[] {0.1259765625f, -0.1318359375f, 0.640625f, 0.10498046875f}, -0.765625f, 106.31640291213989);
            expect(c, "transformer.vision.boi",
                    new float[] {0.4453125f, -1.078125f, -0.328125f, 1.0703125f}, -0.80078125f, 3.324951171875);
            expect(c, "transformer.encoder.layers.1.self_attention.query_key_value.bias",
                    new float[] {-0.052001953125f, 0.0260009765625f, -0.0654296875f, -0.09814453125f},
                    0.12353515625f, 0.813720703125);
            expect(c, "transformer.vision.transformer.layers.0.mlp.fc1.weight",
                    new float[] {0.1328125f, -0.01104736328125f, 0.138671875f, 0.166015625f},
                    0.046142578125f, 14.713537573814392);
            expect(c, "transformer.rotary_pos_emb.inv_freq",
                    new float[] {1.0f, 0.10009765625f, 0.010009765625f, 0.00099945068359375f},
                    0.00099945068359375f, 1.1111068725585938);
            CheckpointSpec.of(ModelConfig.load(TINY)).validate(c);
        }
    }

    @Test
    void singleFileDemo() {
        try (Checkpoint c = Checkpoint.open(DEMO)) {
            assertEquals(75, c.names().size());
            assertEquals(4429712L * 2, c.totalBytes());
            assertEquals(1, c.files().size());
            assertArrayEquals(new long[] {512, 256},
                    c.info("transformer.encoder.layers.1.self_attention.query_key_value.weight").shape());
            assertArrayEquals(new long[] {256, 192, 2, 2}, c.info("transformer.vision.conv.weight").shape());
            expect(c, "transformer.embedding.word_embeddings.weight",
                    new float[] {0.06640625f, -0.043701171875f, 0.3203125f, 0.061279296875f}, 1.578125f, -76.71135304868221);
            expect(c, "transformer.vision.boi",
                    new float[] {2.390625f, -1.84375f, 0.359375f, -1.515625f}, 0.7890625f, -9.948974609375);
            expect(c, "transformer.encoder.layers.1.self_attention.query_key_value.bias",
                    new float[] {0.0177001953125f, 0.033935546875f, 0.007293701171875f, 0.006439208984375f},
                    -0.0018157958984375f, 0.10800258815288544);
            expect(c, "transformer.vision.transformer.layers.0.mlp.fc1.weight",
                    new float[] {-0.07421875f, 0.031494140625f, 0.064453125f, 0.049560546875f},
                    -0.020263671875f, 29.615966610610485);
            CheckpointSpec.of(ModelConfig.load(DEMO)).validate(c);
        }
    }

    @Test
    void closeReleasesMappingsAndIsIdempotent() {
        Checkpoint c = Checkpoint.open(TINY);
        MemorySegment seg = c.data("transformer.vision.boi");
        c.close();
        c.close();
        assertTrue(c.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.data("transformer.vision.boi"));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> c.info("transformer.vision.boi"));
        assertThrows(IllegalStateException.class, () -> seg.get(BF16, 0));   // the old slice is dead too
    }

    @Test
    void unknownNameIsBadTensor() {
        try (Checkpoint c = Checkpoint.open(TINY)) {
            EngineException e = assertThrows(EngineException.class, () -> c.info("transformer.nope"));
            assertEquals(ErrorCode.BAD_TENSOR, e.code());
            assertTrue(e.getMessage().contains("transformer.nope"));
        }
    }

    @Test
    void indexNamingAMissingShard() throws IOException {
        Path d = copyTiny();
        Files.delete(d.resolve(SHARD2));
        expectBad(d, SHARD2, "missing");
    }

    @Test
    void tensorInShardButNotInIndex() throws IOException {
        Path d = copyTiny();
        editIndex(d, wm -> wm.remove("transformer.vision.boi"));
        expectBad(d, "transformer.vision.boi", SHARD1, "maps it to nothing");
    }

    @Test
    void indexPointsToTheWrongShard() throws IOException {
        Path d = copyTiny();
        editIndex(d, wm -> wm.put("transformer.vision.boi", SHARD2));
        expectBad(d, "transformer.vision.boi", SHARD1 + " holds", "maps it to " + SHARD2);
        editIndex(d, wm -> wm.put("transformer.vision.boi", SHARD1)
                .put("transformer.vision.transformer.layers.0.mlp.fc1.weight", SHARD1));
        expectBad(d, "transformer.vision.transformer.layers.0.mlp.fc1.weight", SHARD1, "no such tensor");
    }

    @Test
    void indexWithoutWeightMapOrWithPathEscape() throws IOException {
        Path d = copyTiny();
        Files.writeString(d.resolve(Checkpoint.INDEX_FILE), "{\"metadata\":{}}");
        expectBad(d, "weight_map");
        editIndexRaw(d, "{\"weight_map\":{\"x\":\"../" + SHARD1 + "\"}}");
        expectBad(d, "invalid file name");
    }

    @Test
    void brokenShardNamesTheFile() throws IOException {
        Path d = copyTiny();
        Path shard = d.resolve(SHARD2);
        byte[] all = Files.readAllBytes(shard);
        Files.write(shard, java.util.Arrays.copyOf(all, all.length - 100));
        expectBad(d, SHARD2, "outside the");
    }

    @Test
    void directoryWithoutWeights() {
        expectBad(tmp, "neither");
        expectBad(tmp.resolve("absent"), "does not exist");
    }

    private static void expect(Checkpoint c, String name, float[] first, float last, double sum) {
        MemorySegment s = c.data(name);
        long n = c.info(name).numel();
        assertEquals(n * 2, s.byteSize());
        for (int i = 0; i < first.length; i++) {
            assertEquals(first[i], DType.bf16ToFloat(s.get(BF16, 2L * i)), name + "[" + i + "]");
        }
        assertEquals(last, DType.bf16ToFloat(s.get(BF16, 2 * (n - 1))), name + " last");
        double total = 0;
        for (long i = 0; i < n; i++) {
            total += DType.bf16ToFloat(s.get(BF16, 2 * i));
        }
        assertEquals(sum, total, 1e-9 * Math.max(1, Math.abs(sum)), name + " sum");
    }

    private void expectBad(Path d, String... parts) {
        EngineException e = assertThrows(EngineException.class, () -> Checkpoint.open(d).close());
        assertEquals(ErrorCode.BAD_CHECKPOINT, e.code());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), () -> "'" + e.getMessage() + "' lacks '" + p + "'");
        }
    }

    private Path copyTiny() throws IOException {
        Path d = tmp.resolve("ckpt");
        Files.createDirectories(d);
        try (Stream<Path> files = Files.list(TINY)) {
            for (Path f : files.toList()) {
                Files.copy(f, d.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return d;
    }

    private static void editIndex(Path d, java.util.function.Consumer<ObjectNode> edit) throws IOException {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = (ObjectNode) m.readTree(d.resolve(Checkpoint.INDEX_FILE).toFile());
        edit.accept((ObjectNode) root.get("weight_map"));
        editIndexRaw(d, root.toString());
    }

    private static void editIndexRaw(Path d, String json) throws IOException {
        Files.writeString(d.resolve(Checkpoint.INDEX_FILE), json);
    }
}
