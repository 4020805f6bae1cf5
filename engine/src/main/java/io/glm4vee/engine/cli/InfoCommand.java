package io.glm4vee.engine.cli;

import io.glm4vee.engine.model.Glm4vModel;
import io.glm4vee.engine.model.ModelConfig;
import io.glm4vee.engine.model.ModelStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Model summary: config, parameter count, bytes of weights and KV cache.")
final class InfoCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        try (Glm4vModel model = Glm4vModel.load(common.modelDir(), common.deviceOptions(), null)) {
            ModelConfig c = model.config();
            ModelStats s = ModelStats.of(c, model.checkpoint());
            out.printf(Locale.ROOT, "model            %s%n", model.dir());
            out.printf(Locale.ROOT, "text             %d layers, hidden %d, %d heads x %d, %d KV groups, ffn %d, "
                            + "vocab %d (padded %d), seq_length %d, rope base %.6g%n", c.numLayers(), c.hiddenSize(),
                    c.numHeads(), c.headDim(), c.kvGroups(), c.ffnHiddenSize(), c.vocabSize(), c.paddedVocabSize(),
                    c.seqLength(), c.ropeBase());
            if (c.vision() != null) {
                var v = c.vision();
                out.printf(Locale.ROOT, "vision           %d layers, hidden %d, %d heads, ffn %d, image %dx%d, patch %d, "
                                + "%d image tokens, scaling %.6g%n", v.numLayers(), v.hiddenSize(), v.numHeads(),
                        v.intermediateSize(), v.imageSize(), v.imageSize(), v.patchSize(), v.imageTokens(),
                        v.scalingFactor());
            }
            out.printf(Locale.ROOT, "parameters       %,d (vision tower and adapter %,d)%n", s.parameters(),
                    s.visionParameters());
            out.printf(Locale.ROOT, "weights          %s %s%n", Units.bytes(s.weightBytes()), s.bytesByDtype());
            out.printf(Locale.ROOT, "decode reads     %s of weights per token%n", Units.bytes(s.decodeBytesPerToken()));
            // ModelStats counts f32 elements; the backend keeps the cache in its activation type
            String kvType = model.forward().kvDtype();
            long kvPerToken = s.kvBytesPerToken() / Float.BYTES * model.forward().kvBytesPerElement();
            out.printf(Locale.ROOT, "%-17s%s per token, %s at seq_length %d%n", "KV cache (" + kvType + ")",
                    Units.bytes(kvPerToken), Units.bytes(kvPerToken * c.seqLength()), c.seqLength());
            var opts = model.deviceOptions();
            out.printf(Locale.ROOT, "devices          %s (backend %s): tp %d, %d thread(s) per card, %s%n",
                    opts.devices(), opts.backend(), opts.tp(), opts.threadsPerCard(), opts.mode());
            long[] perCard = model.weightBytesPerCard();
            var plan = io.glm4vee.engine.parallel.TpPlan.of(c, opts.tp(), 0);
            long kvPerCard = io.glm4vee.engine.model.KvCache.bytesFor(c.numLayers(), plan.localGroups(), c.headDim(), 1)
                    / Float.BYTES * model.forward().kvBytesPerElement();
            for (int r = 0; r < perCard.length; r++) {
                out.printf(Locale.ROOT, "  %-14s weights %s (%.1f%% of the checkpoint), KV cache %s per token%n",
                        opts.devices().get(r), Units.bytes(perCard[r]), 100.0 * perCard[r] / s.weightBytes(),
                        Units.bytes(kvPerCard));
            }
        }
    }
}
