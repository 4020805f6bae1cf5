package io.glm4vee.engine.parallel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.Fixtures;
import io.glm4vee.engine.device.DeviceOptions;
import io.glm4vee.engine.eval.EvalRunner;
import io.glm4vee.engine.image.ImageDecoder;
import io.glm4vee.engine.model.Glm4vModel;
import io.glm4vee.engine.model.ModelConfig;
import io.glm4vee.engine.model.Sequence;
import io.glm4vee.engine.tokenizer.ChatMessage;
import io.glm4vee.engine.tokenizer.ChatTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every multi-card path against one card and against the reference's golden files: KV groups
 * replicated (2 groups on 4 cards, 1 group on 2), split (4 groups on 2 cards, 8 on 4), and a
 * checkpoint whose vision heads do not divide (refused before loading).
 */
class TensorParallelTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0} tp={1}")
    @CsvSource({"glm4v-tiny-a, 2", "glm4v-tiny-a, 4", "glm4v-tiny-b, 2", "glm4v-tiny-b, 4", "glm4v-tiny-c, 2",
        "glm4v-tiny-d, 2", "glm4v-tiny-d, 4"})
    void shardedEvalMatchesGoldenAndOneCard(String set, int tp) throws Exception {
        Path dir = Fixtures.resource("fixtures/" + set);
        JsonNode golden = JSON.readTree(Files.readString(dir.resolve("golden.json")));
        JsonNode one;
        JsonNode many;
        try (Glm4vModel m = Glm4vModel.load(dir.resolve("checkpoint"), DeviceOptions.cpu(1, 1), null)) {
            one = new EvalRunner(m).run(dir.resolve("cases.json"));
        }
        try (Glm4vModel m = Glm4vModel.load(dir.resolve("checkpoint"), DeviceOptions.cpu(tp, 1), null)) {
            many = new EvalRunner(m).run(dir.resolve("cases.json"));
        }
        for (int c = 0; c < golden.get("cases").size(); c++) {
            JsonNode g = golden.get("cases").get(c);
            JsonNode a = many.get("cases").get(c);
            JsonNode o = one.get("cases").get(c);
            String name = g.get("name").asText();
            assertEquals(g.get("generated"), a.get("generated"), name + " greedy ids at tp=" + tp);
            assertEquals(o.get("generated"), a.get("generated"), name + " greedy ids vs one card");
            double gmax = 0;
            double dGolden = 0;
            double dOne = 0;
            for (int i = 0; i < g.get("prefill_logits").size(); i++) {
                double gv = g.get("prefill_logits").get(i).asDouble();
                gmax = Math.max(gmax, Math.abs(gv));
                dGolden = Math.max(dGolden, Math.abs(a.get("prefill_logits").get(i).asDouble() - gv));
                dOne = Math.max(dOne, Math.abs(a.get("prefill_logits").get(i).asDouble()
                        - o.get("prefill_logits").get(i).asDouble()));
            }
            assertTrue(dGolden <= 2e-3 * Math.max(1, gmax), name + ": |tp" + tp + " - golden| = " + dGolden);
            // the split only reorders f32 sums: far below the golden tolerance
            assertTrue(dOne <= 1e-4 * Math.max(1, gmax), name + ": |tp" + tp + " - tp1| = " + dOne);
        }
    }

    @Test
    void refusesASplitNamingEveryFieldBeforeLoadingWeights(@TempDir Path tmp) throws Exception {
        // only config.json: a refusal must come from the config alone, before any weight file is opened
        Path c = Fixtures.resource("fixtures/glm4v-tiny-c/checkpoint");
        Files.copy(c.resolve("config.json"), tmp.resolve("config.json"));
        EngineException e = assertThrows(EngineException.class, () -> Glm4vModel.load(tmp, DeviceOptions.cpu(4, 1), null));
        assertEquals(ErrorCode.TP_UNSUPPORTED, e.code());
        assertEquals("tp=4 is not supported by this checkpoint: vision_config.num_heads=6 is not divisible by 4", e.getMessage());

        ModelConfig demo = ModelConfig.load(Fixtures.demoModel());
        List<String> bad = TpPlan.problems(demo, 3);
        assertEquals(List.of("num_attention_heads=4 is not divisible by 3", "ffn_hidden_size=688 is not divisible by 3",
                "multi_query_group_num=2 neither divides nor is a multiple of 3", "vision_config.num_heads=4 is not divisible by 3",
                "vision_config.intermediate_size=512 is not divisible by 3"), bad);
        assertTrue(TpPlan.problems(demo, 4).isEmpty());
    }

    @Test
    void kvGroupsAreReplicatedWhenCardsOutnumberThem() {
        ModelConfig a = ModelConfig.load(Fixtures.resource("fixtures/glm4v-tiny-a/checkpoint"));   // 4 heads, 2 groups
        int[] groupOfRank = new int[4];
        for (int r = 0; r < 4; r++) {
            TpPlan p = TpPlan.of(a, 4, r);
            assertEquals(1, p.localHeads());
            assertEquals(1, p.localGroups());
            groupOfRank[r] = p.groupStart();
            // GQA intact: the rank's query head h uses group h / (heads / groups) in the full model
            assertEquals(p.headStart() / (a.numHeads() / a.kvGroups()), p.groupStart());
        }
        assertEquals(List.of(0, 0, 1, 1), java.util.Arrays.stream(groupOfRank).boxed().toList());
        ModelConfig b = ModelConfig.load(Fixtures.resource("fixtures/glm4v-tiny-b/checkpoint"));   // 8 heads, 4 groups
        assertEquals(2, TpPlan.of(b, 2, 1).localGroups());
        assertEquals(2, TpPlan.of(b, 2, 1).groupStart());
    }

    @Test
    void perCardMemoryIsASliceOfTheShardedWeightsPlusTheReplicatedOnes() {
        Path ckpt = Fixtures.resource("fixtures/glm4v-tiny-d/checkpoint");     // 8 groups: no KV replication
        long total;
        long replicated = 0;
        long rootOnly = 0;
        try (Glm4vModel m = Glm4vModel.load(ckpt, DeviceOptions.cpu(1, 1), null)) {
            total = m.weightBytesPerCard()[0];
            for (String n : m.checkpoint().names()) {
                long b = m.checkpoint().info(n).byteSize();
                // GLM4V_SPEC section 8: norms, patch/CLS/position embeddings, 2x2 conv, linear_proj, norm1, boi/eoi are replicated
                if (n.contains("layernorm") || n.contains("patch_embedding") || n.contains("vision.conv.")
                        || n.contains("linear_proj.linear_proj") || n.contains("norm1") || n.endsWith("boi") || n.endsWith("eoi")) {
                    replicated += b;
                } else if (n.endsWith("attention.dense.bias") || n.endsWith("mlp.fc2.bias")) {
                    rootOnly += b;                                             // row-parallel bias: added once, on rank 0
                }
            }
        }
        for (int tp : new int[] {2, 4}) {
            try (Glm4vModel m = Glm4vModel.load(ckpt, DeviceOptions.cpu(tp, 1), null)) {
                long[] per = m.weightBytesPerCard();
                long sharded = total - replicated - rootOnly;
                assertEquals(replicated + sharded / tp + rootOnly, per[0], "rank 0 at tp=" + tp);
                for (int r = 1; r < tp; r++) {
                    assertEquals(replicated + sharded / tp, per[r], "rank " + r + " at tp=" + tp);
                }
            }
        }
    }

    @Test
    void imagePromptOnFourCardsEqualsOneCard() {
        Path demo = Fixtures.demoModel();
        float[] one;
        float[] four;
        try (Glm4vModel m = Glm4vModel.load(demo, DeviceOptions.cpu(1, 1), null)) {
            one = logits(m);
        }
        try (Glm4vModel m = Glm4vModel.load(demo, DeviceOptions.cpu(4, 1), null)) {
            four = logits(m);
        }
        for (int i = 0; i < one.length; i++) {
            assertEquals(one[i], four[i], 1e-4 * Math.max(1, Math.abs(one[i])), "logit " + i);
        }
    }

    static float[] logits(Glm4vModel m) {
        var img = new ImageDecoder().decode(Fixtures.demoModel().resolve("examples/yellow_star.png"));
        int[] ids = ChatTemplate.apply(m.tokenizer(), List.of(new ChatMessage("user", "What shape is it?", true)), true);
        Sequence s = m.newSequence(64);
        float[] l = m.prefill(s, ids, m.preprocess(img), null);
        return m.decode(s, io.glm4vee.engine.sampling.Sampler.argmax(l));
    }
}
