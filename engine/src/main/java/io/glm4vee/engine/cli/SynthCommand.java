package io.glm4vee.engine.cli;

import io.glm4vee.engine.tensor.DType;
import io.glm4vee.engine.weights.CheckpointSpec;
import io.glm4vee.engine.weights.SynthOptions;
import io.glm4vee.engine.weights.SyntheticCheckpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Locale;

@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a random checkpoint of any GLM-4V shape in the real on-disk format.")
final class SynthCommand implements Runnable {
    enum Preset { tiny, glm4v9b }

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Option(names = "--preset", defaultValue = "tiny",
            description = "starting sizes: tiny (the reference's make_tiny defaults) or glm4v9b (glm-4v-9b widths; "
                    + "set --layers/--vision-layers) (default: ${DEFAULT-VALUE})")
    Preset preset;

    @Option(names = "--layers") Integer layers;
    @Option(names = "--hidden") Integer hidden;
    @Option(names = "--heads") Integer heads;
    @Option(names = "--kv-groups") Integer kvGroups;
    @Option(names = "--kv-channels", description = "head dim") Integer kvChannels;
    @Option(names = "--ffn") Integer ffn;
    @Option(names = "--vision-layers") Integer visionLayers;
    @Option(names = "--vision-hidden") Integer visionHidden;
    @Option(names = "--vision-heads") Integer visionHeads;
    @Option(names = "--vision-ffn") Integer visionFfn;
    @Option(names = "--patch") Integer patch;
    @Option(names = "--image-size") Integer imageSize;
    @Option(names = "--merges", description = "BPE merges of the small vocab (ordinary tokens = 256 + merges)") Integer merges;
    @Option(names = "--padded-vocab", description = "rows of the embedding and LM head (0 = round up to 64)") Integer paddedVocab;
    @Option(names = "--dtype", description = "BF16 or F32") DType dtype;
    @Option(names = "--shards") Integer shards;
    @Option(names = "--seed") Long seed;
    @Option(names = "--rope-ratio") Double ropeRatio;
    @Option(names = "--scaling-factor") Double scalingFactor;
    @Option(names = "--seq-length") Integer seqLength;
    @Option(names = "--fill", description = "RANDOM or ZERO (sparse file: instant, for shape tests)") SynthOptions.Fill fill;

    @Override
    public void run() {
        SynthOptions b = preset == Preset.tiny ? SynthOptions.tiny() : SynthOptions.glm4v9b(2, 2);
        SynthOptions o = new SynthOptions(
                or(layers, b.layers()), or(hidden, b.hidden()), or(heads, b.heads()), or(kvGroups, b.kvGroups()),
                or(kvChannels, b.kvChannels()), or(ffn, b.ffn()), or(visionLayers, b.visionLayers()),
                or(visionHidden, b.visionHidden()), or(visionHeads, b.visionHeads()), or(visionFfn, b.visionFfn()),
                or(patch, b.patch()), or(imageSize, b.imageSize()), or(merges, b.merges()),
                or(paddedVocab, b.paddedVocab()), dtype == null ? b.dtype() : dtype, or(shards, b.shards()),
                seed == null ? b.seed() : seed, ropeRatio == null ? b.ropeRatio() : ropeRatio,
                scalingFactor == null ? b.scalingFactor() : scalingFactor, or(seqLength, b.seqLength()),
                fill == null ? b.fill() : fill);
        long t0 = System.nanoTime();
        SyntheticCheckpoint.Result r = SyntheticCheckpoint.write(out, o);
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %d tensors, %,d parameters, %s of weights in %d file(s), %.1f s%n",
                r.dir(), r.tensorCount(), CheckpointSpec.of(r.config()).parameterCount(),   // as info counts: no inv_freq
                Units.bytes(r.dataBytes()), r.files().size(), (System.nanoTime() - t0) / 1e9);
    }

    private static int or(Integer v, int fallback) {
        return v == null ? fallback : v;
    }
}
