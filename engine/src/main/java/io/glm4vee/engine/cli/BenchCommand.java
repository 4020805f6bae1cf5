package io.glm4vee.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glm4vee.engine.model.Glm4vModel;
import io.glm4vee.engine.model.ModelStats;
import io.glm4vee.engine.model.Sequence;
import io.glm4vee.engine.sampling.Sampler;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Prefill and decode throughput, and weight bytes streamed per second while decoding.")
final class BenchCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--prompt-tokens", defaultValue = "64", description = "prefill length (default: ${DEFAULT-VALUE})")
    int promptTokens;

    @Option(names = "--decode-tokens", defaultValue = "16", description = "timed decode steps (default: ${DEFAULT-VALUE})")
    int decodeTokens;

    @Option(names = "--warmup", defaultValue = "3", description = "untimed decode steps first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON")
    Path json;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        requireAtLeast("--prompt-tokens", promptTokens, 1);
        requireAtLeast("--decode-tokens", decodeTokens, 1);
        requireAtLeast("--warmup", warmup, 0);
        try (Glm4vModel model = Glm4vModel.load(common.modelDir(), common.deviceOptions(), new ProgressBar(err, "paging in weights"))) {
            ModelStats stats = ModelStats.of(model.config(), model.checkpoint());
            int seqLength = model.config().seqLength();
            if ((long) promptTokens + warmup + decodeTokens > seqLength) {
                throw new ParameterException(spec.commandLine(), "--prompt-tokens " + promptTokens + " + --warmup "
                        + warmup + " + --decode-tokens " + decodeTokens + " exceed the model's seq_length " + seqLength);
            }
            int ordinary = model.tokenizer().ordinaryCount();
            int[] ids = new int[promptTokens];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = (i * 7919 + 13) % ordinary;          // fixed, text-only prompt
            }
            Sequence seq = model.newSequence(promptTokens + warmup + decodeTokens);
            long t0 = System.nanoTime();
            float[] logits = model.prefill(seq, ids, null, null);
            double prefillSec = (System.nanoTime() - t0) / 1e9;
            long[] steps = new long[decodeTokens];
            for (int i = 0; i < warmup + decodeTokens; i++) {
                int next = Sampler.argmax(logits);
                long s = System.nanoTime();
                logits = model.decode(seq, next);
                if (i >= warmup) {
                    steps[i - warmup] = System.nanoTime() - s;
                }
            }
            seq.release();
            long[] sorted = steps.clone();
            Arrays.sort(sorted);
            double medianSec = sorted[sorted.length / 2] / 1e9;
            double decodeTps = 1.0 / medianSec;
            double bytesPerSec = stats.decodeBytesPerToken() / medianSec;
            int threads = model.deviceOptions().threadsPerCard();
            int tp = model.deviceOptions().tp();
            out.printf(Locale.ROOT, "cards               %s (tp %d, %d thread(s) per card, %s)%n",
                    model.deviceOptions().devices(), tp, threads, model.deviceOptions().mode());
            out.printf(Locale.ROOT, "prefill             %d tokens in %.3f s = %.1f tokens/s%n", promptTokens, prefillSec,
                    promptTokens / prefillSec);
            out.printf(Locale.ROOT, "decode              %.2f tokens/s (median of %d steps, %.2f ms/token)%n", decodeTps,
                    decodeTokens, medianSec * 1e3);
            out.printf(Locale.ROOT, "weights per token   %s%n", Units.bytes(stats.decodeBytesPerToken()));
            out.printf(Locale.ROOT, "weight bandwidth    %.1f GB/s%n", bytesPerSec / 1e9);
            if (json != null) {
                ObjectNode o = new ObjectMapper().createObjectNode();
                o.put("model", model.dir().toString());
                o.put("tp", tp);
                o.put("threads_per_card", threads);
                o.put("prompt_tokens", promptTokens);
                o.put("prefill_seconds", prefillSec);
                o.put("prefill_tokens_per_second", promptTokens / prefillSec);
                o.put("decode_tokens", decodeTokens);
                o.put("decode_median_seconds", medianSec);
                o.put("decode_tokens_per_second", decodeTps);
                o.put("decode_weight_bytes_per_token", stats.decodeBytesPerToken());
                o.put("decode_weight_bytes_per_second", bytesPerSec);
                Files.writeString(json, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(o));
            }
        } catch (IOException e) {
            throw new io.glm4vee.engine.EngineException(io.glm4vee.engine.ErrorCode.BAD_REQUEST,
                    "cannot write " + json + ": " + e.getMessage(), e);
        }
    }

    private void requireAtLeast(String option, int value, int min) {
        if (value < min) {
            throw new ParameterException(spec.commandLine(), option + " must be >= " + min + ", got " + value);
        }
    }
}
