package io.glm4vee.engine.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.image.ImageDecoder;
import io.glm4vee.engine.image.DecodedImage;
import io.glm4vee.engine.model.ForwardObserver;
import io.glm4vee.engine.model.Glm4vModel;
import io.glm4vee.engine.model.Sequence;
import io.glm4vee.engine.model.SplicedInput;
import io.glm4vee.engine.sampling.Sampler;
import io.glm4vee.engine.tensor.Tensor;
import io.glm4vee.engine.tokenizer.ChatMessage;
import io.glm4vee.engine.tokenizer.ChatTemplate;
import io.glm4vee.engine.tokenizer.GlmTokenizer;
import io.glm4vee.engine.tokenizer.Utf8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Runs a cases file (the schema of the reference's golden.py) greedily and writes the golden
 * schema, so the reference's compare.py can check this engine: prefill logits, greedy ids,
 * intermediates, and the tokenizer and image sections.
 */
public final class EvalRunner {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Glm4vModel model;

    public EvalRunner(Glm4vModel model) {
        this.model = model;
    }

    public ObjectNode run(Path casesFile) {
        JsonNode spec = read(casesFile);
        Path base = casesFile.toAbsolutePath().getParent();
        JsonNode cases = spec.isArray() ? spec : spec.path("cases");
        ObjectNode out = JSON.createObjectNode();
        out.put("format", "glm4v-golden/1");
        out.put("generator", "glm4v eval (glm4v-ee engine)");
        ArrayNode outCases = out.putArray("cases");
        ImageSection images = new ImageSection(model);
        for (JsonNode c : cases) {
            outCases.add(runCase(c, base, images));
        }
        if (spec.isObject()) {
            for (JsonNode name : spec.path("images")) {
                images.checksums(base.resolve(name.asText()), name.asText());
            }
            out.set("tokenizer", tokenizerSection(spec.path("tokenizer")));
        }
        out.set("images", images.node());
        return out;
    }

    private ObjectNode runCase(JsonNode c, Path base, ImageSection images) {
        String name = c.path("name").asText(null);
        if (name == null) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "a case has no name: " + c);
        }
        int steps = c.path("steps").asInt(8);
        String image = null;
        int[] ids;
        GlmTokenizer tok = model.tokenizer();
        if (c.has("messages") == c.has("ids")) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "case " + name + ": give exactly one of messages or ids");
        }
        if (c.has("messages")) {
            List<ChatMessage> msgs = new ArrayList<>();
            for (JsonNode m : c.get("messages")) {
                boolean hasImage = m.hasNonNull("image") && !m.get("image").asText().isEmpty();
                if (hasImage) {
                    image = m.get("image").asText();
                }
                msgs.add(new ChatMessage(m.path("role").asText(), m.path("content").asText(""), hasImage,
                        m.path("metadata").asText("")));
            }
            ids = ChatTemplate.apply(tok, msgs, c.path("add_generation_prompt").asBoolean(true));
        } else {
            JsonNode a = c.get("ids");
            ids = new int[a.size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = a.get(i).asInt();
            }
            image = c.hasNonNull("image") ? c.get("image").asText() : null;
        }
        float[] pixels = image == null ? null : images.pixels(base.resolve(image), image);
        SplicedInput in = model.splice(ids, pixels != null);
        Sequence seq = model.newSequence(in.length() + steps);
        Recorder rec = new Recorder();
        float[] logits = model.prefill(seq, ids, pixels, rec);

        ObjectNode o = JSON.createObjectNode();
        o.put("name", name);
        o.put("image", image);
        putInts(o.putArray("input_ids"), ids);
        putInts(o.putArray("positions"), in.positions());
        putFloats(o.putArray("prefill_logits"), logits);
        ArrayNode top5 = o.putArray("step_logits_top5");
        List<Integer> gen = new ArrayList<>();
        int[] eos = model.config().eosTokenIds();
        boolean stopped = false;
        for (int k = 0; k < steps; k++) {
            top5.add(top5(logits));
            int t = Sampler.argmax(logits);
            gen.add(t);
            if (io.glm4vee.engine.sampling.StopIds.contains(eos, t)) {
                stopped = true;
                break;
            }
            if (k == steps - 1) {
                break;
            }
            logits = model.decode(seq, t);
        }
        seq.release();
        int[] g = gen.stream().mapToInt(Integer::intValue).toArray();
        putInts(o.putArray("generated"), g);
        o.put("stopped_at_eos", stopped);
        byte[] bytes = tok.decodeBytes(g);
        o.put("decoded", Utf8.decodeReplace(bytes));
        o.put("decoded_bytes_hex", HexFormat.of().formatHex(bytes));
        o.put("embedding_sum", rec.embeddingSum);
        putDoubles(o.putArray("embedding_row_sums"), rec.rowSums);
        if (in.hasImage()) {
            putFloats(o.putArray("vision_out_first_row_first8"), rec.row(in.boiIndex() + 1, 8));
        } else {
            o.putNull("vision_out_first_row_first8");
        }
        putFloats(o.putArray("layer0_out_last_row_first8"), rec.layer0LastRow8);
        return o;
    }

    private ObjectNode tokenizerSection(JsonNode spec) {
        GlmTokenizer tok = model.tokenizer();
        ObjectNode t = JSON.createObjectNode();
        ArrayNode enc = t.putArray("encode_ordinary");
        for (JsonNode s : spec.path("strings")) {
            ObjectNode e = enc.addObject();
            e.put("text", s.asText());
            ArrayNode pieces = e.putArray("pieces");
            tok.pretokenize(s.asText()).forEach(pieces::add);
            putInts(e.putArray("ids"), tok.encodeOrdinary(s.asText()));
        }
        if (spec.has("chat")) {
            List<ChatMessage> msgs = new ArrayList<>();
            for (JsonNode m : spec.get("chat")) {
                msgs.add(new ChatMessage(m.path("role").asText(), m.path("content").asText(""),
                        m.path("image").asBoolean(false), m.path("metadata").asText("")));
            }
            ObjectNode chat = t.putObject("chat");
            putInts(chat.putArray("ids"), ChatTemplate.apply(tok, msgs, true));
        }
        return t;
    }

    private static ObjectNode top5(float[] v) {
        Integer[] idx = Sampler.descendingOrder(v);
        ObjectNode o = JSON.createObjectNode();
        ArrayNode ids = o.putArray("ids");
        ArrayNode vals = o.putArray("values");
        for (int i = 0; i < Math.min(5, v.length); i++) {
            ids.add(idx[i]);
            vals.add(v[idx[i]]);
        }
        return o;
    }

    static void putInts(ArrayNode a, int[] v) {
        for (int x : v) {
            a.add(x);
        }
    }

    static void putFloats(ArrayNode a, float[] v) {
        for (float x : v) {
            a.add(x);
        }
    }

    static void putDoubles(ArrayNode a, double[] v) {
        for (double x : v) {
            a.add(x);
        }
    }

    private static JsonNode read(Path p) {
        try {
            return JSON.readTree(Files.readString(p));
        } catch (IOException e) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "cannot read cases file " + p + ": " + e.getMessage(), e);
        }
    }

    /** Captures what the golden schema reports from inside the forward pass. */
    private static final class Recorder implements ForwardObserver {
        double embeddingSum;
        double[] rowSums;
        float[] layer0LastRow8;
        Tensor embeddings;

        @Override
        public void inputEmbeddings(Tensor x) {
            embeddings = Tensor.of(x.toFloatArray(), x.shape());
            int s = x.size(0);
            rowSums = new double[s];
            for (int r = 0; r < s; r++) {
                for (int i = 0; i < x.size(1); i++) {
                    rowSums[r] += x.get(r, i);
                }
                embeddingSum += rowSums[r];
            }
        }

        @Override
        public void textLayerOutput(int layer, Tensor x) {
            if (layer == 0) {
                layer0LastRow8 = firstN(x, x.size(0) - 1, 8);
            }
        }

        float[] row(int r, int n) {
            return firstN(embeddings, r, n);
        }

        private static float[] firstN(Tensor x, int r, int n) {
            float[] v = new float[Math.min(n, x.size(1))];
            for (int i = 0; i < v.length; i++) {
                v[i] = x.get(r, i);
            }
            return v;
        }
    }

    /** Preprocessing checksums per image, in the golden "images" schema; also caches pixels. */
    static final class ImageSection {
        private final Glm4vModel model;
        private final ObjectNode node = JSON.createObjectNode();
        private final java.util.Map<String, float[]> pixels = new java.util.HashMap<>();

        ImageSection(Glm4vModel model) {
            this.model = model;
        }

        float[] pixels(Path file, String name) {
            checksums(file, name);
            return pixels.get(name);
        }

        void checksums(Path file, String name) {
            if (pixels.containsKey(name)) {
                return;
            }
            DecodedImage img = new ImageDecoder().decodeDetailed(file);
            float[] px = model.preprocess(img.image());
            pixels.put(name, px);
            node.set(name, ImageChecksums.of(img, px, model.config().vision().imageSize()));
        }

        ObjectNode node() {
            return node;
        }
    }
}
