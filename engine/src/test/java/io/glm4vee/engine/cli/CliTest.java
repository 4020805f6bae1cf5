package io.glm4vee.engine.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glm4vee.engine.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ./glm4v end to end through {@link Glm4vCli#execute}: the five commands on the demo model,
 * the fixture and a synthesised checkpoint, and the one-line errors for bad arguments and files.
 */
class CliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DEMO = Fixtures.demoModel();
    private static final Path RED_CIRCLE = DEMO.resolve("examples/red_circle.png");

    private record Result(int code, String out, String err) {
        List<String> errorLines() {
            return err.lines().filter(l -> l.startsWith("error: ")).toList();
        }
    }

    private static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Glm4vCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString());
    }

    /** Non-zero exit, one "error: " line naming every given word, no stack trace. */
    private static String assertOneLineError(Result r, String... mentions) {
        assertNotEquals(0, r.code(), "exit code; stderr: " + r.err());
        List<String> lines = r.errorLines();
        assertEquals(1, lines.size(), "one error line in: " + r.err());
        String line = lines.get(0);
        List<String> all = r.err().lines().toList();
        for (String after : all.subList(all.indexOf(line) + 1, all.size())) {
            assertTrue(after.isBlank() || after.startsWith("usage: "), "the error continues on another line: " + r.err());
        }
        for (String m : mentions) {
            assertTrue(line.contains(m), "'" + m + "' not named in: " + line);
        }
        assertFalse(r.err().contains("\tat "), "stack trace without --debug: " + r.err());
        assertFalse(line.matches(".*\\bjava\\.[a-z]+\\.[A-Za-z.]*Exception\\b.*"),
                "a raw Java exception instead of a message: " + line);
        return line;
    }

    // ------------------------------------------------------------------ generate

    @Test
    void generateAnswersTheDemoQuestion() {
        Result r = cli("generate", "--model", DEMO.toString(), "--threads", "2", "--image", RED_CIRCLE.toString(),
                "--prompt", "What is in the picture?");
        assertEquals(0, r.code(), r.err());
        assertEquals("A red circle.", r.out().strip());
        assertTrue(r.errorLines().isEmpty(), r.err());
    }

    @Test
    void generateWithAStopString() {
        Result r = cli("generate", "--model", DEMO.toString(), "--threads", "2", "--image", RED_CIRCLE.toString(),
                "--prompt", "What is in the picture?", "--stop", "circle", "--max-tokens", "20");
        assertEquals(0, r.code(), r.err());
        assertEquals("A red", r.out().strip());
    }

    @Test
    void helpExitsZero() {
        Result top = cli("--help");
        assertEquals(0, top.code());
        for (String cmd : new String[] {"generate", "eval", "info", "synth", "bench"}) {
            assertTrue(top.out().contains(cmd), cmd + " missing from: " + top.out());
        }
        Result gen = cli("generate", "--help");
        assertEquals(0, gen.code());
        assertTrue(gen.out().contains("--prompt") && gen.out().contains("--max-tokens"), gen.out());
    }

    // ------------------------------------------------------------------ bad arguments

    @Test
    void noCommandIsAnError() {
        Result r = cli();
        String line = assertOneLineError(r, "generate");
        assertTrue(line.contains("command"), line);
    }

    @Test
    void unknownOption() {
        assertOneLineError(cli("generate", "--prompt", "x", "--bogus"), "--bogus");
        assertOneLineError(cli("frobnicate"), "frobnicate");
    }

    @Test
    void missingPrompt() {
        assertOneLineError(cli("generate", "--model", DEMO.toString()), "--prompt");
    }

    @Test
    void zeroThreads() {
        Result r = cli("generate", "--model", DEMO.toString(), "--threads", "0", "--prompt", "Hello");
        assertOneLineError(r, "--threads", "0");
        assertTrue(r.err().contains("usage: glm4v generate --help"), r.err());
        assertOneLineError(cli("info", "--model", DEMO.toString(), "--threads", "0"), "--threads");
    }

    @Test
    void zeroMaxTokens() {
        String line = assertOneLineError(cli("generate", "--model", DEMO.toString(), "--threads", "1", "--max-tokens",
                "0", "--prompt", "Hello"));
        assertTrue(line.matches(".*max[-_]tokens.*0.*"), line);
    }

    @Test
    void badSamplingValueNamesTheOption() {
        String line = assertOneLineError(cli("generate", "--model", DEMO.toString(), "--threads", "1", "--top-p", "2",
                "--prompt", "Hello"));
        assertTrue(line.matches(".*top[-_]p.*2.*"), line);
    }

    @Test
    void aBackendThatIsNotOnTheClassPathIsNamedWithTheAvailableOnes() {
        assertOneLineError(cli("generate", "--model", DEMO.toString(), "--backend", "ascend", "--prompt", "Hello"),
                "backend 'ascend' is not on the classpath; available: cpu");
        assertOneLineError(cli("info", "--model", DEMO.toString(), "--backend", "cuda"),
                "backend 'cuda' is not on the classpath; available: cpu");
        assertOneLineError(cli("info", "--model", DEMO.toString(), "--backend", "cpu", "--devices", "npu:0"),
                "card npu:0 does not belong to backend cpu");
    }

    @Test
    void missingModelDirectory(@TempDir Path tmp) {
        Path nowhere = tmp.resolve("no-such-model");
        assertOneLineError(cli("generate", "--model", nowhere.toString(), "--prompt", "Hello"), nowhere.toString());
        assertOneLineError(cli("info", "--model", nowhere.toString()), nowhere.toString());
    }

    @Test
    void missingImage(@TempDir Path tmp) {
        Path nowhere = tmp.resolve("missing.png");
        assertOneLineError(cli("generate", "--model", DEMO.toString(), "--image", nowhere.toString(), "--prompt",
                "What is in the picture?"), nowhere.toString());
    }

    @Test
    void corruptImage(@TempDir Path tmp) throws IOException {
        Path bad = tmp.resolve("broken.png");
        byte[] head = Files.readAllBytes(RED_CIRCLE);
        Files.write(bad, java.util.Arrays.copyOf(head, 40));            // a PNG cut short inside IHDR/IDAT
        assertOneLineError(cli("generate", "--model", DEMO.toString(), "--image", bad.toString(), "--prompt",
                "What is in the picture?"), "broken.png");
        Path text = tmp.resolve("notes.png");
        Files.writeString(text, "this is not a picture\n");
        assertOneLineError(cli("generate", "--model", DEMO.toString(), "--image", text.toString(), "--prompt",
                "What is in the picture?"), "notes.png");
    }

    @Test
    void badCasesFile(@TempDir Path tmp) throws IOException {
        Path missing = tmp.resolve("nope.json");
        assertOneLineError(cli("eval", "--model", DEMO.toString(), "--cases", missing.toString()), missing.toString());
        Path broken = tmp.resolve("broken.json");
        Files.writeString(broken, "{\"cases\": [ {\"name\": \"x\", \n \"ids\": [1, 2,, 3] } ]}\n");
        assertOneLineError(cli("eval", "--model", DEMO.toString(), "--threads", "1", "--cases", broken.toString()),
                "broken.json");
        Path nameless = tmp.resolve("nameless.json");
        Files.writeString(nameless, "{\"cases\": [ {\"ids\": [1, 2, 3]} ]}");
        assertOneLineError(cli("eval", "--model", DEMO.toString(), "--threads", "1", "--cases", nameless.toString()),
                "name");
    }

    @Test
    void debugPrintsTheStackTrace(@TempDir Path tmp) {
        Path nowhere = tmp.resolve("no-such-model");
        Result r = cli("info", "--model", nowhere.toString(), "--debug");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("\tat "), r.err());
        assertEquals(1, r.errorLines().size(), r.err());
        assertTrue(r.errorLines().get(0).contains(nowhere.toString()));
    }

    // ------------------------------------------------------------------ info, synth, eval

    @Test
    void infoOnTheDemoModel() {
        Result r = cli("info", "--model", DEMO.toString(), "--threads", "1");
        assertEquals(0, r.code(), r.err());
        // the README: 4,429,696 parameters (inv_freq excluded), 3 text and 3 vision layers,
        // vision tower 1,164,672 + adapter 791,808 = 1,956,480
        assertTrue(r.out().contains("4,429,696"), r.out());
        assertTrue(r.out().contains("1,956,480"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("text") && l.contains("3 layers")
                && l.contains("hidden 256") && l.contains("seq_length 512")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("vision") && l.contains("3 layers")
                && l.contains("hidden 192") && l.contains("16 image tokens")), r.out());
    }

    private static long firstNumberAfter(String text, String label) {
        Matcher m = Pattern.compile(label + "\\D*([0-9][0-9,]*)").matcher(text);
        assertTrue(m.find(), label + " not in: " + text);
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    @Test
    void synthThenInfoAndEval(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("synth");
        Result s = cli("synth", "--out", dir.toString(), "--layers", "2", "--vision-layers", "1", "--seed", "5");
        assertEquals(0, s.code(), s.err());
        long written = firstNumberAfter(s.out(), "tensors,");

        Result info = cli("info", "--model", dir.toString(), "--threads", "1");
        assertEquals(0, info.code(), info.err());
        assertEquals(written, firstNumberAfter(info.out(), "parameters"), "synth and info count the same parameters");
        assertTrue(info.out().lines().anyMatch(l -> l.startsWith("text") && l.contains("2 layers")), info.out());
        assertTrue(info.out().lines().anyMatch(l -> l.startsWith("vision") && l.contains("1 layers")), info.out());

        Files.copy(Fixtures.resource("fixtures/glm4v-tiny-a/gradient_40x30.png"), tmp.resolve("g.png"));
        Path cases = tmp.resolve("cases.json");
        Files.writeString(cases, """
                {"cases": [
                  {"name": "text", "steps": 3, "messages": [{"role": "user", "content": "hello world"}]},
                  {"name": "picture", "steps": 2, "messages": [{"role": "user", "content": "what?", "image": "g.png"}]}
                ]}
                """);
        Path out = tmp.resolve("out.json");
        Result e = cli("eval", "--model", dir.toString(), "--threads", "2", "--cases", cases.toString(), "--out",
                out.toString());
        assertEquals(0, e.code(), e.err());
        JsonNode json = JSON.readTree(Files.readString(out));
        assertEquals(2, json.get("cases").size());
        for (JsonNode c : json.get("cases")) {
            int steps = c.get("name").asText().equals("text") ? 3 : 2;
            int n = c.get("generated").size();
            assertTrue(n >= 1 && n <= steps, c.get("name") + ": " + n + " ids");
            if (n < steps) {
                assertTrue(c.get("stopped_at_eos").asBoolean(), c.get("name") + " ended early without eos");
            }
        }
        assertTrue(json.get("images").has("g.png"));
    }

    @Test
    void evalOnTheFixtureMatchesGoldenIds(@TempDir Path tmp) throws IOException {
        Path set = Fixtures.resource("fixtures/glm4v-tiny-a");
        Path out = tmp.resolve("eval.json");
        Result r = cli("eval", "--model", set.resolve("checkpoint").toString(), "--threads", "2", "--cases",
                set.resolve("cases.json").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode golden = JSON.readTree(Files.readString(set.resolve("golden.json")));
        JsonNode actual = JSON.readTree(Files.readString(out));
        Map<String, JsonNode> byName = new HashMap<>();
        actual.get("cases").forEach(c -> byName.put(c.get("name").asText(), c));
        List<String> names = new ArrayList<>();
        for (JsonNode g : golden.get("cases")) {
            String name = g.get("name").asText();
            names.add(name);
            JsonNode a = byName.get(name);
            assertNotNull(a, "case " + name + " missing");
            assertEquals(g.get("generated"), a.get("generated"), name);
            assertEquals(g.get("stopped_at_eos"), a.get("stopped_at_eos"), name);
            assertEquals(g.get("input_ids"), a.get("input_ids"), name);
        }
        assertEquals(names.size(), actual.get("cases").size());

        // without --out the same JSON goes to stdout
        Result stdout = cli("eval", "--model", set.resolve("checkpoint").toString(), "--threads", "2", "--cases",
                set.resolve("cases.json").toString());
        assertEquals(0, stdout.code(), stdout.err());
        assertEquals(actual.get("cases").get(0).get("generated"),
                JSON.readTree(stdout.out()).get("cases").get(0).get("generated"));
    }

    // ------------------------------------------------------------------ bench

    @Test
    void benchPrintsAndWritesThroughput(@TempDir Path tmp) throws IOException {
        Path json = tmp.resolve("bench.json");
        Result r = cli("bench", "--model", DEMO.toString(), "--threads", "2", "--prompt-tokens", "8",
                "--decode-tokens", "3", "--warmup", "1", "--json", json.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("decode") && l.contains("tokens/s")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("prefill") && l.contains("8 tokens")), r.out());
        JsonNode o = JSON.readTree(Files.readString(json));
        assertEquals(2, o.get("threads_per_card").asInt());
        assertEquals(1, o.get("tp").asInt());
        assertEquals(8, o.get("prompt_tokens").asInt());
        assertEquals(3, o.get("decode_tokens").asInt());
        for (String f : new String[] {"prefill_seconds", "prefill_tokens_per_second", "decode_median_seconds",
                "decode_tokens_per_second", "decode_weight_bytes_per_second"}) {
            assertTrue(o.get(f).asDouble() > 0, f + " = " + o.get(f));
        }
        assertEquals(1.0, o.get("decode_tokens_per_second").asDouble() * o.get("decode_median_seconds").asDouble(),
                1e-9);
        // bf16 text layers (README: 2,178,048) + final norm (256) + LM head (576 x 256), 2 bytes each
        assertEquals((2_178_048L + 256 + 576 * 256) * 2, o.get("decode_weight_bytes_per_token").asLong());
        assertTrue(o.get("model").asText().endsWith("glm4v-shapes-demo"), o.get("model").asText());
    }

    @Test
    void benchRejectsSizesItCannotRun() {
        assertOneLineError(cli("bench", "--model", DEMO.toString(), "--threads", "1", "--decode-tokens", "0"),
                "--decode-tokens");
        assertOneLineError(cli("bench", "--model", DEMO.toString(), "--threads", "1", "--prompt-tokens", "0"),
                "--prompt-tokens");
        assertOneLineError(cli("bench", "--model", DEMO.toString(), "--threads", "1", "--warmup", "-1"),
                "--warmup");
        assertOneLineError(cli("bench", "--model", DEMO.toString(), "--threads", "1", "--prompt-tokens", "600"),
                "512");
    }
}
