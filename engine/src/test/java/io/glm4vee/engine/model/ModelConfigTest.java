package io.glm4vee.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelConfigTest {
    static final Path TINY = Path.of("src/test/resources/fixtures/glm4v-tiny-a/checkpoint");
    static final Path DEMO = Path.of("../models/glm4v-shapes-demo");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void readsTheTinyFixture() {
        ModelConfig c = ModelConfig.load(TINY);
        assertEquals(64, c.hiddenSize());
        assertEquals(2, c.numLayers());
        assertEquals(4, c.numHeads());
        assertEquals(2, c.kvGroups());
        assertEquals(16, c.headDim());
        assertEquals(96, c.ffnHiddenSize());
        assertEquals(384, c.paddedVocabSize());
        assertEquals(384, c.vocabSize());
        assertEquals(512, c.seqLength());
        assertEquals(1.5625e-7, c.layerNormEps());
        assertEquals(1.0, c.ropeRatio());
        assertEquals(10000.0, c.ropeBase());
        assertEquals(8, c.rotaryDim());
        assertEquals(2, c.headsPerGroup());
        assertEquals((4 + 2 * 2) * 16, c.qkvRows());
        assertTrue(c.addQkvBias());
        assertArrayEquals(new int[] {320, 327, 329}, c.eosTokenIds());
        assertEquals(320, c.padTokenId());
        assertEquals(330, c.boiTokenId());
        assertEquals(331, c.eoiTokenId());
        assertEquals("bfloat16", c.torchDtype());
        VisionConfig v = c.vision();
        assertEquals(new VisionConfig(32, 2, 4, 64, 7, 28, 17, 3, 1e-6, 8.0, "gelu"), v);
        assertEquals(4, v.grid());
        assertEquals(4, v.imageTokens());
        assertEquals(8, v.headDim());
    }

    @Test
    void readsTheDemoModel() {
        ModelConfig c = ModelConfig.load(DEMO);
        assertEquals(256, c.hiddenSize());
        assertEquals(3, c.numLayers());
        assertEquals(64, c.headDim());
        assertEquals(688, c.ffnHiddenSize());
        assertEquals(576, c.paddedVocabSize());
        assertArrayEquals(new int[] {522, 529, 531}, c.eosTokenIds());
        assertEquals(532, c.boiTokenId());
        VisionConfig v = c.vision();
        assertEquals(192, v.hiddenSize());
        assertEquals(8, v.grid());
        assertEquals(16, v.imageTokens());
        assertEquals(48, v.headDim());
        assertEquals(65, v.numPositions());
    }

    @Test
    void appliesFallbacksAndDefaults() {
        ObjectNode n = tiny();
        n.remove("num_layers");
        n.remove("kv_channels");
        n.remove("rope_ratio");
        n.remove("vision_config");
        n.remove("boi_token_id");
        n.put("eos_token_id", 320);
        n.put("multi_query_attention", false);
        ModelConfig c = ModelConfig.parse(n.toString());
        assertEquals(2, c.numLayers());            // from num_hidden_layers
        assertEquals(16, c.headDim());             // hidden / heads
        assertEquals(4, c.kvGroups());             // no MQA: one group per head
        assertEquals(1.0, c.ropeRatio());
        assertArrayEquals(new int[] {320}, c.eosTokenIds());
        assertNull(c.vision());
        assertNull(c.boiTokenId());
    }

    @Test
    void ropeRatioScalesTheBase() {
        ObjectNode n = tiny();
        n.put("rope_ratio", 500);
        assertEquals(5_000_000.0, ModelConfig.parse(n.toString()).ropeBase());
    }

    @Test
    void projectionMayDifferFromHidden() {
        ObjectNode n = tiny();
        n.put("kv_channels", 32);   // 4 heads x 32 = 128 != hidden 64: allowed by GLM
        assertEquals(32, ModelConfig.parse(n.toString()).headDim());
    }

    @Test
    void missingFileNamesThePath(@TempDir Path dir) {
        EngineException e = assertThrows(EngineException.class, () -> ModelConfig.load(dir));
        assertEquals(ErrorCode.BAD_CONFIG, e.code());
        assertTrue(e.getMessage().contains(dir.resolve("config.json").toString()), e.getMessage());
    }

    @Test
    void loadNamesTheFileInErrors(@TempDir Path dir) throws Exception {
        ObjectNode n = tiny();
        n.put("hidden_size", -1);
        Files.writeString(dir.resolve("config.json"), n.toString());
        EngineException e = assertThrows(EngineException.class, () -> ModelConfig.load(dir));
        assertTrue(e.getMessage().contains(dir.resolve("config.json").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("hidden_size=-1"), e.getMessage());
    }

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                bad("hidden_size missing", n -> n.remove("hidden_size"), "hidden_size", "missing"),
                bad("hidden_size zero", n -> n.put("hidden_size", 0), "hidden_size=0", "> 0"),
                bad("hidden_size string", n -> n.put("hidden_size", "64"), "hidden_size", "integer"),
                bad("hidden_size fraction", n -> n.put("hidden_size", 64.5), "hidden_size=64.5", "integer"),
                bad("no layer count", n -> n.remove(java.util.List.of("num_layers", "num_hidden_layers")),
                        "num_layers", "missing"),
                bad("layers negative", n -> n.put("num_layers", -2), "num_layers=-2", "> 0"),
                bad("seq_length missing", n -> n.remove("seq_length"), "seq_length", "missing"),
                bad("ffn zero", n -> n.put("ffn_hidden_size", 0), "ffn_hidden_size=0", "> 0"),
                bad("eps zero", n -> n.put("layernorm_epsilon", 0), "layernorm_epsilon=0.0", "> 0"),
                bad("rope negative", n -> n.put("rope_ratio", -1), "rope_ratio=-1.0", "> 0"),
                bad("head dim odd half", n -> n.put("kv_channels", 6), "kv_channels=6", "multiple of 4"),
                bad("groups zero", n -> n.put("multi_query_group_num", 0), "multi_query_group_num=0", "> 0"),
                bad("groups missing", n -> n.remove("multi_query_group_num"), "multi_query_group_num", "missing"),
                bad("heads not multiple of groups", n -> n.put("num_attention_heads", 3),
                        "num_attention_heads=3", "divisible by multi_query_group_num=2"),
                bad("hidden not multiple of heads without kv_channels",
                        n -> n.put("hidden_size", 66).remove("kv_channels"), "hidden_size=66", "num_attention_heads=4"),
                bad("padded below vocab", n -> n.put("padded_vocab_size", 300),
                        "padded_vocab_size=300", "vocab_size=384"),
                bad("eos out of range", n -> n.putArray("eos_token_id").add(1).add(999),
                        "eos_token_id=999", "padded_vocab_size=384"),
                bad("boi out of range", n -> n.put("boi_token_id", -1), "boi_token_id=-1", "token id"),
                bad("bias on linear", n -> n.put("add_bias_linear", true), "add_bias_linear=true", "not supported"),
                bad("layernorm instead of rms", n -> n.put("rmsnorm", false), "rmsnorm=false", "not supported"),
                bad("no final norm", n -> n.put("post_layer_norm", false), "post_layer_norm=false", "not supported"),
                bad("residual after norm", n -> n.put("apply_residual_connection_post_layernorm", true),
                        "apply_residual_connection_post_layernorm=true", "not supported"),
                bad("neox rope", n -> n.put("original_rope", false), "original_rope=false", "not supported"),
                bad("flag not boolean", n -> n.put("rmsnorm", "yes"), "rmsnorm", "true or false"),
                bad("vision act", n -> vision(n).put("hidden_act", "gelu_new"), "hidden_act=gelu_new", "gelu"),
                bad("vision image not multiple", n -> vision(n).put("image_size", 30),
                        "image_size=30", "multiple of patch_size=7"),
                bad("vision odd grid", n -> vision(n).put("image_size", 21), "image_size=21", "odd"),
                bad("vision positions", n -> vision(n).put("num_positions", 16), "num_positions=16", "17"),
                bad("vision heads", n -> vision(n).put("hidden_size", 30), "vision_config", "hidden_size=30"),
                bad("vision patch zero", n -> vision(n).put("patch_size", 0), "patch_size=0", "> 0"),
                bad("vision scaling missing", n -> vision(n).remove("scaling_factor"), "scaling_factor", "missing"),
                bad("vision not object", n -> n.put("vision_config", 3), "vision_config=3", "object"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void badConfigNamesFieldValueAndRule(String label, Consumer<ObjectNode> edit, String[] expected) {
        ObjectNode n = tiny();
        edit.accept(n);
        EngineException e = assertThrows(EngineException.class, () -> ModelConfig.parse(n.toString()));
        assertEquals(ErrorCode.BAD_CONFIG, e.code());
        for (String part : expected) {
            assertTrue(e.getMessage().contains(part), () -> "'" + e.getMessage() + "' lacks '" + part + "'");
        }
    }

    @Test
    void notJson() {
        EngineException e = assertThrows(EngineException.class, () -> ModelConfig.parse("{\"hidden_size\": "));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        e = assertThrows(EngineException.class, () -> ModelConfig.parse("[1]"));
        assertTrue(e.getMessage().contains("JSON object"), e.getMessage());
    }

    private static Arguments bad(String label, Consumer<ObjectNode> edit, String... expected) {
        return Arguments.of(label, edit, expected);
    }

    private static ObjectNode vision(ObjectNode n) {
        return (ObjectNode) n.get("vision_config");
    }

    static ObjectNode tiny() {
        try {
            return (ObjectNode) MAPPER.readTree(TINY.resolve("config.json").toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
