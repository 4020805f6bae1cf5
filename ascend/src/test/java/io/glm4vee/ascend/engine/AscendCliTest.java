package io.glm4vee.ascend.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glm4vee.engine.cli.Glm4vCli;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What ./glm4v runs: eval and info with --backend ascend, the backend found on the class path. */
class AscendCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Glm4vCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(0, code, "exit code; stderr: " + err);
        return out.toString();
    }

    @Test
    void evalWithBackendAscendPassesCompareRule(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(AscendBackend.deviceCount() >= 2, "needs 2 cards");
        Path dir = AscendGoldenTest.FIXTURES.resolve("glm4v-tiny-d");
        Path out = tmp.resolve("actual.json");
        run("eval", "--backend", "ascend", "--tp", "2", "--launch-blocking", "--model", dir.resolve("checkpoint").toString(),
                "--cases", dir.resolve("cases.json").toString(), "--out", out.toString());
        JsonNode golden = JSON.readTree(Files.readString(dir.resolve("golden.json")));
        List<String> problems = AscendGoldenTest.compare(golden, JSON.readTree(Files.readString(out)), 2e-2);
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void infoListsTheNpuCards() {
        Assumptions.assumeTrue(AscendBackend.deviceCount() >= 6, "needs 6 cards");
        Path dir = AscendGoldenTest.FIXTURES.resolve("glm4v-tiny-b");
        String info = run("info", "--backend", "ascend", "--devices", "npu:2,npu:5", "--model",
                dir.resolve("checkpoint").toString());
        assertTrue(info.contains("[npu:2, npu:5] (backend ascend): tp 2"), info);
        assertTrue(info.contains("  npu:5 "), info);
    }

    /** A bf16 checkpoint keeps its KV cache in bf16 on the cards: info says so, and counts 2 bytes an element. */
    @Test
    void infoCountsTheKvCacheInTheActivationType() throws Exception {
        Assumptions.assumeTrue(AscendBackend.deviceCount() >= 2, "needs 2 cards");
        Path ckpt = AscendGoldenTest.FIXTURES.resolve("glm4v-tiny-a").resolve("checkpoint");
        JsonNode c = JSON.readTree(ckpt.resolve("config.json").toFile());
        assertEquals("bfloat16", c.path("torch_dtype").asText("bfloat16"), "tiny-a is a bf16 checkpoint");
        // K and V, every layer, every KV group, head_dim elements of 2 bytes; per card at tp 2: half the groups
        long perToken = 2L * c.get("num_layers").asLong() * c.get("multi_query_group_num").asLong()
                * c.get("kv_channels").asLong() * 2;
        String ascend = run("info", "--backend", "ascend", "--tp", "2", "--model", ckpt.toString());
        assertTrue(ascend.contains("KV cache (bf16)  " + perToken + " B per token"), ascend);
        assertTrue(ascend.contains("KV cache " + perToken / 2 + " B per token"), ascend);
        String cpu = run("info", "--backend", "cpu", "--tp", "2", "--model", ckpt.toString());
        assertTrue(cpu.contains("KV cache (f32)   " + perToken * 2 + " B per token"), cpu);
    }
}
