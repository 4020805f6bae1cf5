package io.glm4vee.engine.cli;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.generate.GenerationRequest;
import io.glm4vee.engine.generate.GenerationResult;
import io.glm4vee.engine.generate.Generator;
import io.glm4vee.engine.image.ImageDecoder;
import io.glm4vee.engine.image.RgbImage;
import io.glm4vee.engine.model.GenerationDefaults;
import io.glm4vee.engine.model.Glm4vModel;
import io.glm4vee.engine.sampling.SamplingParams;
import io.glm4vee.engine.tokenizer.ChatMessage;
import io.glm4vee.engine.tokenizer.ChatTemplate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Answer a prompt (with an optional image); streams the answer to stdout.")
final class GenerateCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "the user message")
    String prompt;

    @Option(names = "--image", paramLabel = "FILE", description = "a PNG or JPEG picture")
    Path image;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "256", description = "new tokens at most (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--temperature", paramLabel = "T", description = "0 = greedy (default: the model's generation_config)")
    Double temperature;

    @Option(names = "--top-p", paramLabel = "P", description = "nucleus sampling mass (default: generation_config or 1)")
    Double topP;

    @Option(names = "--top-k", paramLabel = "K", description = "sample among the K best (0 = all)")
    Integer topK;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0", description = "random seed for sampling")
    long seed;

    @Option(names = "--repetition-penalty", paramLabel = "R", defaultValue = "1.0")
    double repetitionPenalty;

    @Option(names = "--stop", paramLabel = "TEXT", description = "stop string (repeatable)")
    List<String> stop;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RgbImage decoded = image == null ? null : decodeImage();
        try (Glm4vModel model = Glm4vModel.load(common.modelDir(), common.deviceOptions(),
                new ProgressBar(err, "loading weights"))) {
            SamplingParams sampling = sampling(model.generationDefaults());
            int[] ids = ChatTemplate.apply(model.tokenizer(),
                    List.of(new ChatMessage("user", prompt, decoded != null)), true);
            float[] pixels = decoded == null ? null : model.preprocess(decoded);
            GenerationRequest req = new GenerationRequest(ids, pixels, sampling, maxTokens, null, stop);
            GenerationResult res = new Generator(model).generate(req, (id, delta) -> {
                out.print(delta);
                out.flush();
            }, null);
            out.println();
            if (common.debug) {
                err.printf("%d prompt tokens, %d generated, finish_reason %s%n", res.promptTokens(),
                        res.completionTokens(), res.finishReason().wireName());
            }
        }
    }

    /** The decoder's messages describe the bytes; the user needs to know which file they came from. */
    private RgbImage decodeImage() {
        if (!Files.isRegularFile(image)) {
            throw new EngineException(ErrorCode.BAD_IMAGE, "image file " + image + " does not exist");
        }
        try {
            return new ImageDecoder().decode(image);
        } catch (EngineException e) {
            throw new EngineException(e.code(), "image " + image + ": " + e.getMessage(), e);
        }
    }

    private static double orElse(Double v, double fallback) {
        return v == null ? fallback : v;
    }

    private SamplingParams sampling(GenerationDefaults d) {
        boolean sample = Boolean.TRUE.equals(d.doSample());
        double t = temperature != null ? temperature : sample ? orElse(d.temperature(), 1.0) : 0.0;
        double p = topP != null ? topP : sample ? orElse(d.topP(), 1.0) : 1.0;
        int k = topK != null ? topK : sample && d.topK() != null ? d.topK() : 0;
        return new SamplingParams(t, p, k, seed, repetitionPenalty);
    }
}
