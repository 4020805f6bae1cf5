package io.glm4vee.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The golden fixture sets on the classpath. Most tests use glm4v-tiny-a (320 ordinary tokens,
 * padded vocab 384); the golden test runs over {@link #SETS}.
 */
final class TinyFixture {
    static final List<String> SETS = List.of("glm4v-tiny-a", "glm4v-tiny-b", "glm4v-tiny-c", "glm4v-tiny-d");

    private static final Map<String, JsonNode> GOLDEN = new HashMap<>();

    private TinyFixture() {
    }

    static Path resource(String name) {
        URL url = TinyFixture.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path tokenizerModel() {
        return tokenizerModel("glm4v-tiny-a");
    }

    static Path tokenizerModel(String set) {
        return resource("/fixtures/" + set + "/checkpoint/tokenizer.model");
    }

    static JsonNode golden() {
        return golden("glm4v-tiny-a");
    }

    static synchronized JsonNode golden(String set) {
        return GOLDEN.computeIfAbsent(set, k -> readJson("/fixtures/" + k + "/golden.json"));
    }

    static JsonNode readJson(String name) {
        try {
            return new ObjectMapper().readTree(resource(name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int paddedVocabSize() {
        return golden().get("config").get("padded_vocab_size").asInt();
    }

    /** glm4v-tiny-a's tokenizer with the model's padding rows, as the engine loads it. */
    static GlmTokenizer tokenizer() {
        return tokenizer("glm4v-tiny-a");
    }

    static GlmTokenizer tokenizer(String set) {
        return GlmTokenizer.load(tokenizerModel(set), golden(set).get("config").get("padded_vocab_size").asInt());
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
