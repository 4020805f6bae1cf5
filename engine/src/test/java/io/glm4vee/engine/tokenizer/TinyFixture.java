package io.glm4vee.engine.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The glm4v-tiny-a fixture (320 ordinary tokens, padded vocab 384), loaded from the classpath. */
final class TinyFixture {
    static final String ROOT = "/fixtures/glm4v-tiny-a/";

    private static JsonNode golden;

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
        return resource(ROOT + "checkpoint/tokenizer.model");
    }

    static synchronized JsonNode golden() {
        if (golden == null) {
            golden = readJson(ROOT + "golden.json");
        }
        return golden;
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

    /** The tokenizer with the model's padding rows, as the engine loads it. */
    static GlmTokenizer tokenizer() {
        return GlmTokenizer.load(tokenizerModel(), paddedVocabSize());
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
