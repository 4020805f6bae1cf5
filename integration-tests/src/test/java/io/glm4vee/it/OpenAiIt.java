package io.glm4vee.it;

import java.util.Base64;

/** What the OpenAI-compatible API's tests share (client side only). */
final class OpenAiIt {

    /** The served model's id: the model directory's name (glm4v.modelPath), as GET /v1/models lists it. */
    static final String MODEL = "glm4v-shapes-demo";
    /** The documented alias. */
    static final String ALIAS = "glm-4v";
    static final String PICTURE_QUESTION = "What is in the picture?";
    static final String COLOUR_QUESTION = "What colour is the shape?";

    private OpenAiIt() {
    }

    /** The base URL an OpenAI client is given: http://127.0.0.1:PORT/v1 */
    static String baseUrl() {
        return ItEnv.baseUri().resolve("v1").toString();
    }

    static String dataUrl(String example) {
        return "data:image/png;base64," + base64(example);
    }

    static String base64(String example) {
        return Base64.getEncoder().encodeToString(ItEnv.read(ItEnv.example(example)));
    }

    /** A prompt of about 800 tokens: more than the demo model's seq_length of 512. */
    static String tooLongPrompt() {
        return "red circle ".repeat(400);
    }
}
