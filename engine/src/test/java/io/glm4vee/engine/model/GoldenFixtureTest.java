package io.glm4vee.engine.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glm4vee.engine.Fixtures;
import io.glm4vee.engine.eval.EvalRunner;
import io.glm4vee.engine.eval.GoldenComparator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The engine against golden files written by the independent numpy reference, on the shipped
 * fixture and on three more checkpoints (f32 and bf16, one file and shards, rope_ratio 500 and
 * 2.5, 1/2/4/8 KV groups, projection width != hidden, odd image grids, gray and RGBA images).
 */
class GoldenFixtureTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {"glm4v-tiny-a", "glm4v-tiny-b", "glm4v-tiny-c", "glm4v-tiny-d"})
    void evalMatchesGolden(String set) throws Exception {
        Path dir = Fixtures.resource("fixtures/" + set);
        JsonNode golden = JSON.readTree(Files.readString(dir.resolve("golden.json")));
        JsonNode actual;
        try (Glm4vModel model = Glm4vModel.load(dir.resolve("checkpoint"), 2)) {
            actual = new EvalRunner(model).run(dir.resolve("cases.json"));
        }
        Map<String, JsonNode> byName = new HashMap<>();
        actual.get("cases").forEach(c -> byName.put(c.get("name").asText(), c));
        GoldenComparator cmp = new GoldenComparator(2e-3);
        List<String> problems = new ArrayList<>();
        for (JsonNode g : golden.get("cases")) {
            JsonNode a = byName.get(g.get("name").asText());
            if (a == null) {
                problems.add("missing case " + g.get("name"));
                continue;
            }
            problems.addAll(cmp.compare(g, a, true));
            assertEquals(g.get("decoded_bytes_hex"), a.get("decoded_bytes_hex"), g.get("name") + " decoded bytes");
            assertEquals(g.get("stopped_at_eos"), a.get("stopped_at_eos"), g.get("name") + " stopped_at_eos");
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        assertEquals(golden.get("cases").size(), actual.get("cases").size());
        // tokenizer section: every string's ids and the chat ids
        JsonNode gt = golden.get("tokenizer");
        JsonNode at = actual.get("tokenizer");
        for (int i = 0; i < gt.get("encode_ordinary").size(); i++) {
            JsonNode ge = gt.get("encode_ordinary").get(i);
            JsonNode ae = at.get("encode_ordinary").get(i);
            assertEquals(ge.get("text"), ae.get("text"));
            assertEquals(ge.get("ids"), ae.get("ids"), "ids of " + ge.get("text"));
            assertEquals(ge.get("pieces"), ae.get("pieces"), "pieces of " + ge.get("text"));
        }
        assertEquals(gt.get("chat").get("ids"), at.get("chat").get("ids"));
        // image checksums
        golden.get("images").fieldNames().forEachRemaining(name -> {
            JsonNode gi = golden.get("images").get(name);
            JsonNode ai = actual.get("images").get(name);
            assertTrue(ai != null, "image " + name + " missing from eval output");
            for (String k : new String[] {"decoded_rgb_sum", "decoded_alpha_sum", "decoded_first_pixel_rgb",
                    "resized_u8_sum", "resized_u8_r_first8"}) {
                assertEquals(gi.get(k).toString(), ai.get(k).toString(), name + " " + k);
            }
            for (String k : new String[] {"pixel_sum", "pixel_c0_first8", "pixel_c1_sum", "pixel_c2_sum"}) {
                double[] d = GoldenComparator.maxDiff(gi.get(k), ai.get(k));
                assertTrue(d[0] <= 1e-5 * Math.max(1, d[1]), name + " " + k + " off by " + d[0]);
            }
        });
    }
}
