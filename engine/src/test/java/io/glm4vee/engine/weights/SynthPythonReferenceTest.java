package io.glm4vee.engine.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glm4vee.engine.tensor.DType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Optional: the independent numpy reference (shared/reference, GLM4V class, st_io reader and
 * tokenizer) must load a synthetic checkpoint, run a forward pass with an image, and read the
 * same tensor values Java reads. Skipped where python3, numpy or the reference are absent (CI).
 * The reference directory can be set with GLM4V_REFERENCE.
 */
class SynthPythonReferenceTest {
    private static final String SCRIPT = """
            import sys, json
            import numpy as np
            sys.path.insert(0, sys.argv[1])
            from glm4v_model import GLM4V
            from st_io import load_checkpoint
            from glm_tokenizer import GLMTokenizer
            ckpt = sys.argv[2]
            W = load_checkpoint(ckpt)
            names = sys.argv[3:]
            sums = {n: float(W[n].astype(np.float64).sum()) for n in names}
            firsts = {n: [float(x) for x in W[n].reshape(-1)[:3]] for n in names}
            tok = GLMTokenizer(ckpt + "/tokenizer.model")
            text = "Describe the picture in detail."
            plain = tok.encode_ordinary(text)
            ids = tok.chat_ids([{"role": "user", "content": text, "image": True}])
            m = GLM4V(ckpt, tp=1, precision="f32")
            c = m.cfg
            pixels = np.random.default_rng(0).standard_normal((3, c.img, c.img)).astype(np.float32)
            out, logits, pos = m.generate(ids, pixels, steps=2)
            print(json.dumps({"tensors": len(W), "sums": sums, "firsts": firsts,
                              "roundtrip": tok.decode(plain) == text, "plain": len(plain),
                              "vocab": tok.n_words, "logits": list(np.asarray(logits[0]).shape),
                              "finite": bool(all(np.isfinite(l).all() for l in logits)),
                              "positions": int(len(pos)), "ids": len(ids)}))
            """;

    private static final List<String> PROBES = List.of("transformer.embedding.word_embeddings.weight",
            "transformer.encoder.layers.1.mlp.dense_h_to_4h.weight", "transformer.vision.boi",
            "transformer.vision.transformer.layers.0.input_layernorm.weight");

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} x {1} shard(s)")
    @CsvSource({"BF16, 1", "F32, 3"})
    void numpyReferenceLoadsAndRunsTheSyntheticCheckpoint(DType dtype, int shards) throws Exception {
        Path reference = Path.of(System.getenv().getOrDefault("GLM4V_REFERENCE", "../../shared/reference"));
        Assumptions.assumeTrue(Files.exists(reference.resolve("glm4v_model.py")), "no numpy reference at " + reference);
        Assumptions.assumeTrue(pythonWithNumpy(), "python3 with numpy is not available");

        SynthOptions o = SynthOptions.tiny().withDtype(dtype).withShards(shards).withSeed(3);
        SyntheticCheckpoint.Result r = SyntheticCheckpoint.write(tmp.resolve("ckpt"), o);
        JsonNode py = runPython(reference, r.dir(), tmp.resolve("python.err"));

        assertEquals(r.tensorCount(), py.get("tensors").intValue());
        assertTrue(py.get("roundtrip").booleanValue());
        assertTrue(py.get("plain").intValue() < "Describe the picture in detail.".length(),
                "learned merges shorten the encoding: " + py);
        assertEquals(256 + o.merges(), py.get("vocab").intValue());
        assertEquals(1, py.get("logits").size());   // the last position's logits
        assertEquals(r.config().paddedVocabSize(), py.get("logits").get(0).intValue());
        // The spliced sequence replaces one placeholder with the image tokens (GLM4V_SPEC 5.1).
        assertEquals(py.get("ids").intValue() + r.config().vision().imageTokens() - 1, py.get("positions").intValue());
        assertTrue(py.get("finite").booleanValue());
        try (Checkpoint c = Checkpoint.open(r.dir())) {
            for (String name : PROBES) {
                double[] v = SyntheticCheckpointTest.values(c, name);
                double sum = 0;
                for (double x : v) {
                    sum += x;
                }
                assertEquals(py.get("sums").get(name).doubleValue(), sum, 1e-9 * Math.max(1, Math.abs(sum)), name);
                for (int i = 0; i < 3; i++) {
                    assertEquals(py.get("firsts").get(name).get(i).doubleValue(), v[i], name + "[" + i + "]");
                }
            }
        }
    }

    private static String readQuietly(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }

    private static boolean pythonWithNumpy() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static JsonNode runPython(Path reference, Path ckpt, Path errLog) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("python3", "-c", SCRIPT,
                reference.toAbsolutePath().toString(), ckpt.toAbsolutePath().toString()));
        cmd.addAll(PROBES);
        Process p = new ProcessBuilder(cmd).redirectError(errLog.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python timed out");
        assertEquals(0, p.exitValue(), () -> "python failed: " + readQuietly(errLog));
        String[] lines = out.strip().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }
}
