package io.glm4vee.engine.weights;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.model.ModelConfig;
import io.glm4vee.engine.tensor.DType;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a random (or all-zero, sparse) GLM-4V checkpoint of any shape in glm-4v-9b's on-disk
 * layout: config.json with the real field names, model.safetensors or N shards plus
 * model.safetensors.index.json, tokenizer.model, tokenizer_config.json, generation_config.json.
 * The tensor table comes from {@link CheckpointSpec} applied to the written config, so the
 * synthetic files and the loader's expectations cannot drift apart.
 */
public final class SyntheticCheckpoint {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SyntheticCheckpoint() {
    }

    /** What was written. dataBytes is the sum of tensor bytes (the index's total_size). */
    public record Result(Path dir, ModelConfig config, int tensorCount, long parameterCount, long dataBytes,
            List<Path> files) {
        public Result {
            files = List.copyOf(files);
        }
    }

    public static Result write(Path dir, SynthOptions o) {
        Map<SynthVocab.ByteSeq, Integer> vocab = SynthVocab.train(o.merges());
        int ordinary = vocab.size();
        int specials = SynthVocab.SPECIAL_TOKENS.size();
        int padded = o.paddedVocab() > 0 ? o.paddedVocab() : roundUp(ordinary + specials, 64);
        if (padded < ordinary + specials) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "synth option paddedVocab=" + padded
                    + " must be >= " + (ordinary + specials) + " (" + ordinary + " ordinary + " + specials + " special tokens)");
        }
        ObjectNode configJson = configJson(o, ordinary, padded);
        ModelConfig config = ModelConfig.parse(configJson.toString());   // validates the options
        List<SafetensorsWriter.Entry> entries = entries(config, o.dtype());
        List<List<SafetensorsWriter.Entry>> shards = split(entries, o.shards());   // checks before any file is touched
        try {
            Files.createDirectories(dir);
            deleteStaleWeights(dir);
            List<Path> files = writeWeights(dir, shards, o, config.ropeBase());
            writeJson(dir.resolve(ModelConfig.FILE_NAME), configJson);
            SynthVocab.write(vocab, dir.resolve("tokenizer.model"));
            writeJson(dir.resolve("tokenizer_config.json"), tokenizerConfig(ordinary, o.imageSize()));
            writeJson(dir.resolve("generation_config.json"), generationConfig(ordinary, o.seqLength()));
            long params = entries.stream().mapToLong(SafetensorsWriter.Entry::numel).sum();
            long bytes = entries.stream().mapToLong(SafetensorsWriter.Entry::byteSize).sum();
            return new Result(dir, config, entries.size(), params, bytes, files);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.BAD_CHECKPOINT, "cannot write synthetic checkpoint to " + dir + ": " + e, e);
        }
    }

    /** Every required tensor in spec order, plus the inv_freq buffer real chatglm files carry. */
    private static List<SafetensorsWriter.Entry> entries(ModelConfig config, DType dtype) {
        CheckpointSpec spec = CheckpointSpec.of(config);
        List<SafetensorsWriter.Entry> out = new ArrayList<>();
        spec.required().forEach((name, shape) -> out.add(new SafetensorsWriter.Entry(name, dtype, shape)));
        out.add(new SafetensorsWriter.Entry(CheckpointSpec.INV_FREQ, dtype, spec.shape(CheckpointSpec.INV_FREQ)));
        return out;
    }

    private static List<Path> writeWeights(Path dir, List<List<SafetensorsWriter.Entry>> shards, SynthOptions o,
            double ropeBase) throws IOException {
        SynthFill fill = new SynthFill(o.fill(), o.seed(), ropeBase);
        Map<String, String> meta = Map.of("format", "pt");
        if (shards.size() == 1) {
            Path file = dir.resolve(Checkpoint.SINGLE_FILE);
            SafetensorsWriter.write(file, shards.get(0), meta, fill);
            return List.of(file);
        }
        List<Path> files = new ArrayList<>();
        Map<String, String> weightMap = new TreeMap<>();
        long total = 0;
        for (int s = 0; s < shards.size(); s++) {
            String name = String.format("model-%05d-of-%05d.safetensors", s + 1, shards.size());
            total += SafetensorsWriter.write(dir.resolve(name), shards.get(s), meta, fill);
            files.add(dir.resolve(name));
            shards.get(s).forEach(e -> weightMap.put(e.name(), name));
        }
        ObjectNode index = MAPPER.createObjectNode();
        index.putObject("metadata").put("total_size", total);
        ObjectNode wm = index.putObject("weight_map");
        weightMap.forEach(wm::put);
        writeJson(dir.resolve(Checkpoint.INDEX_FILE), index);
        return files;
    }

    /**
     * Consecutive runs of tensors with about equal bytes per shard; every shard gets at least one
     * tensor (an empty shard would be absent from the index and confuse loaders).
     */
    static List<List<SafetensorsWriter.Entry>> split(List<SafetensorsWriter.Entry> entries, int shards) {
        if (shards > entries.size()) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "synth option shards=" + shards
                    + " exceeds the number of tensors (" + entries.size() + ")");
        }
        long remainingBytes = entries.stream().mapToLong(SafetensorsWriter.Entry::byteSize).sum();
        List<List<SafetensorsWriter.Entry>> out = new ArrayList<>();
        int i = 0;
        for (int s = 0; s < shards; s++) {
            int shardsLeft = shards - s;
            long target = remainingBytes / shardsLeft;
            List<SafetensorsWriter.Entry> shard = new ArrayList<>();
            long bytes = 0;
            while (i < entries.size() && (s == shards - 1 || shard.isEmpty()
                    || (bytes + entries.get(i).byteSize() <= target && entries.size() - i > shardsLeft - 1))) {
                bytes += entries.get(i).byteSize();
                shard.add(entries.get(i++));
            }
            remainingBytes -= bytes;
            out.add(shard);
        }
        return out;
    }

    /** Removes weight files of an earlier run, so an old index cannot shadow a new single file. */
    private static void deleteStaleWeights(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir,
                "{model.safetensors,model.safetensors.index.json,model-*-of-*.safetensors}")) {
            for (Path p : ds) {
                Files.delete(p);
            }
        }
    }

    private static ObjectNode configJson(SynthOptions o, int ordinary, int padded) {
        ObjectNode c = MAPPER.createObjectNode();
        c.put("_name_or_path", "synthetic-glm-4v");
        c.putArray("architectures").add("ChatGLMModel");
        ObjectNode auto = c.putObject("auto_map");
        auto.put("AutoConfig", "configuration_chatglm.ChatGLMConfig");
        auto.put("AutoModel", "modeling_chatglm.ChatGLMForConditionalGeneration");
        auto.put("AutoModelForCausalLM", "modeling_chatglm.ChatGLMForConditionalGeneration");
        c.put("model_type", "chatglm");
        c.put("add_bias_linear", false);
        c.put("add_qkv_bias", true);
        c.put("apply_query_key_layer_scaling", true);
        c.put("apply_residual_connection_post_layernorm", false);
        c.put("attention_dropout", 0.0);
        c.put("attention_softmax_in_fp32", true);
        c.put("bias_dropout_fusion", true);
        c.put("boi_token_id", special(ordinary, "<|begin_of_image|>"));
        c.put("eoi_token_id", special(ordinary, "<|end_of_image|>"));
        c.putNull("classifier_dropout");
        eosIds(c.putArray("eos_token_id"), ordinary);
        c.put("pad_token_id", special(ordinary, "<|endoftext|>"));
        c.put("ffn_hidden_size", o.ffn());
        c.put("fp32_residual_connection", false);
        c.put("hidden_dropout", 0.0);
        c.put("hidden_size", o.hidden());
        c.put("kv_channels", o.headDim());
        c.put("layernorm_epsilon", 1.5625e-07);
        c.put("multi_query_attention", true);
        c.put("multi_query_group_num", o.kvGroups());
        c.put("num_attention_heads", o.heads());
        c.put("num_hidden_layers", o.layers());
        c.put("num_layers", o.layers());
        c.put("original_rope", true);
        c.put("padded_vocab_size", padded);
        c.put("vocab_size", padded);   // glm-4v-9b writes the padded size here too
        c.put("post_layer_norm", true);
        c.putNull("pre_seq_len");
        c.put("prefix_projection", false);
        c.put("rmsnorm", true);
        c.put("rope_ratio", o.ropeRatio());
        c.put("seq_length", o.seqLength());
        c.put("tie_word_embeddings", false);
        c.put("torch_dtype", switch (o.dtype()) {
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            case F32 -> "float32";
        });
        c.put("transformers_version", "4.44.0");
        c.put("use_cache", true);
        c.set("vision_config", visionJson(o));
        return c;
    }

    private static ObjectNode visionJson(SynthOptions o) {
        ObjectNode v = MAPPER.createObjectNode();
        int grid = o.patch() > 0 ? o.imageSize() / o.patch() : 0;
        v.put("dropout_prob", 0.0);
        v.put("hidden_act", "gelu");
        v.put("in_channels", 3);
        v.put("num_hidden_layers", o.visionLayers());
        v.put("hidden_size", o.visionHidden());
        v.put("patch_size", o.patch());
        v.put("num_heads", o.visionHeads());
        v.put("intermediate_size", o.visionFfn());
        v.put("layer_norm_eps", 1e-06);
        v.put("num_positions", grid * grid + 1);
        v.put("image_size", o.imageSize());
        v.put("scaling_factor", o.scalingFactor());
        return v;
    }

    private static ObjectNode tokenizerConfig(int ordinary, int imageSize) {
        ObjectNode t = MAPPER.createObjectNode();
        t.put("tokenizer_class", "ChatGLM4Tokenizer");
        t.putObject("auto_map").putArray("AutoTokenizer").add("tokenization_chatglm.ChatGLM4Tokenizer").addNull();
        ObjectNode added = t.putObject("added_tokens_decoder");
        ArrayNode additional = MAPPER.createArrayNode();
        for (String tok : SynthVocab.SPECIAL_TOKENS) {
            ObjectNode a = added.putObject(Integer.toString(special(ordinary, tok)));
            a.put("content", tok).put("special", true).put("lstrip", false).put("rstrip", false)
                    .put("normalized", false).put("single_word", false);
            additional.add(tok);
        }
        t.set("additional_special_tokens", additional);
        t.put("eos_token", "<|endoftext|>");
        t.put("pad_token", "<|endoftext|>");
        t.put("padding_side", "left");
        t.put("clean_up_tokenization_spaces", false);
        t.put("do_lower_case", false);
        t.put("remove_space", false);
        t.put("image_size", imageSize);
        t.put("model_max_length", new BigInteger("1000000000000000019884624838656"));   // HF's "no limit"
        return t;
    }

    private static ObjectNode generationConfig(int ordinary, int seqLength) {
        ObjectNode g = MAPPER.createObjectNode();
        eosIds(g.putArray("eos_token_id"), ordinary);
        g.put("pad_token_id", special(ordinary, "<|endoftext|>"));
        g.put("do_sample", true);
        g.put("temperature", 0.8);
        g.put("top_p", 0.8);
        g.put("max_length", seqLength);
        return g;
    }

    /** glm-4v-9b stops on <|endoftext|>, <|user|> and <|observation|>. */
    private static void eosIds(ArrayNode a, int ordinary) {
        a.add(special(ordinary, "<|endoftext|>")).add(special(ordinary, "<|user|>"))
                .add(special(ordinary, "<|observation|>"));
    }

    private static int special(int ordinary, String token) {
        return ordinary + SynthVocab.SPECIAL_TOKENS.indexOf(token);
    }

    private static int roundUp(int n, int multiple) {
        return (n + multiple - 1) / multiple * multiple;
    }

    private static void writeJson(Path file, ObjectNode node) throws IOException {
        MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), node);
    }
}
