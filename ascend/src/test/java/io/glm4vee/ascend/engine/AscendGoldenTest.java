package io.glm4vee.ascend.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glm4vee.engine.device.DeviceOptions;
import io.glm4vee.engine.device.ExecutionMode;
import io.glm4vee.engine.eval.EvalRunner;
import io.glm4vee.engine.eval.GoldenComparator;
import io.glm4vee.engine.model.Glm4vModel;
import io.glm4vee.ascend.acl.Glm4vSim;
import io.glm4vee.ascend.runtime.AscendRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole model on the Ascend backend (through the JavaCPP bindings into the CANN-API
 * simulator) against the numpy reference's golden files, with compare.py's rule: f32
 * checkpoints at its default tolerance 2e-3, bf16 checkpoints (run with bf16 activations)
 * at 2e-2 with the near-tie rule for greedy ids; tp 1, 2 and 4, asynchronous and
 * launch-blocking. Every case has an image or not as the fixture says, so the vision tower and
 * the adapter run too. With -Pascend -DskipTests=false these run on the host's real cards (a tp
 * larger than the cards there is skipped).
 */
class AscendGoldenTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path FIXTURES = Path.of("..", "engine", "src", "test", "resources", "fixtures");
    private long freesUnderQueuedWork;
    private long commDestroysUnderQueuedWork;

    @BeforeEach
    void countUnsafeReleases() {
        if (AscendRuntime.isSimulator()) {
            freesUnderQueuedWork = Glm4vSim.glm4vSimFreeWhileQueuedCount();
            commDestroysUnderQueuedWork = Glm4vSim.glm4vSimCommDestroyWhileQueuedCount();
        }
    }

    /** The normal path (forwards, then close) never frees memory or destroys a comm under queued work. */
    @AfterEach
    void noUnsafeReleases() {
        if (AscendRuntime.isSimulator()) {
            assertEquals(freesUnderQueuedWork, Glm4vSim.glm4vSimFreeWhileQueuedCount(), "aclrtFree under queued work");
            assertEquals(commDestroysUnderQueuedWork, Glm4vSim.glm4vSimCommDestroyWhileQueuedCount(),
                    "HcclCommDestroy under a queued collective");
        }
    }

    /** Every fixture at every tp size it splits into (tiny-c has one KV group and 6 vision heads: not 4), both modes. */
    static Stream<Arguments> runs() {
        List<Arguments> all = new ArrayList<>();
        for (String set : new String[] {"glm4v-tiny-a", "glm4v-tiny-b", "glm4v-tiny-c", "glm4v-tiny-d"}) {
            for (int tp : new int[] {1, 2, 4}) {
                if (set.equals("glm4v-tiny-c") && tp == 4) {
                    continue;
                }
                for (ExecutionMode mode : ExecutionMode.values()) {
                    all.add(Arguments.of(set, tp, mode));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} tp {1} {2}")
    @MethodSource("runs")
    void evalPassesCompareRule(String set, int tp, ExecutionMode mode) throws Exception {
        Assumptions.assumeTrue(AscendBackend.deviceCount() >= tp, "needs " + tp + " cards");
        Path dir = FIXTURES.resolve(set);
        JsonNode golden = JSON.readTree(Files.readString(dir.resolve("golden.json")));
        JsonNode actual;
        boolean f32;
        try (Glm4vModel model = Glm4vModel.load(dir.resolve("checkpoint"),
                DeviceOptions.of("ascend", tp, 1).withMode(mode), null)) {
            AscendForward fwd = (AscendForward) model.forward();
            f32 = fwd.activationDtype().equals("F32");
            assertEquals(tp > 1 && !f32, fwd.usesFusedAllReduce(), "fused MatmulAllReduce for bf16 at tp > 1 only");
            actual = new EvalRunner(model).run(dir.resolve("cases.json"));
            assertEquals(0, model.group().layout().contiguousCopies(), "activations reach the fused op contiguous");
        }
        List<String> problems = compare(golden, actual, f32 ? 2e-3 : 2e-2);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** The fallback for bf16 too (glm4v.ascend.fusedAllReduce=false): aclnnMatmul + HcclAllReduce, same result rule. */
    @org.junit.jupiter.api.Test
    void theMatmulPlusAllReduceFallbackPassesForBf16() throws Exception {
        Assumptions.assumeTrue(AscendBackend.deviceCount() >= 4, "needs 4 cards");
        Path dir = FIXTURES.resolve("glm4v-tiny-d");
        JsonNode golden = JSON.readTree(Files.readString(dir.resolve("golden.json")));
        System.setProperty("glm4v.ascend.fusedAllReduce", "false");
        try (Glm4vModel model = Glm4vModel.load(dir.resolve("checkpoint"), DeviceOptions.of("ascend", 4, 1), null)) {
            AscendForward fwd = (AscendForward) model.forward();
            assertEquals("BF16", fwd.activationDtype());
            assertEquals(false, fwd.usesFusedAllReduce());
            List<String> problems = compare(golden, new EvalRunner(model).run(dir.resolve("cases.json")), 2e-2);
            assertTrue(problems.isEmpty(), String.join("\n", problems));
        } finally {
            System.clearProperty("glm4v.ascend.fusedAllReduce");
        }
    }

    static List<String> compare(JsonNode golden, JsonNode actual, double rtol) {
        Map<String, JsonNode> byName = new HashMap<>();
        actual.get("cases").forEach(c -> byName.put(c.get("name").asText(), c));
        GoldenComparator cmp = new GoldenComparator(rtol);
        List<String> problems = new ArrayList<>();
        for (JsonNode g : golden.get("cases")) {
            JsonNode a = byName.get(g.get("name").asText());
            if (a == null) {
                problems.add("missing case " + g.get("name"));
                continue;
            }
            problems.addAll(cmp.compare(g, a, false));
        }
        if (golden.get("cases").size() != actual.get("cases").size()) {
            problems.add(actual.get("cases").size() + " cases, golden has " + golden.get("cases").size());
        }
        return problems;
    }
}
