package io.glm4vee.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** In-container access to the example pictures the probe WAR carries (see Deployments). */
public final class Examples {

    /** The demo model's answers (models/glm4v-shapes-demo/README.md). */
    public static final String GREETING = "I am a small GLM-4V demo model. Show me a picture of a shape.";
    public static final String RED_CIRCLE = "A red circle.";

    /** The pictures the probe carries as class-path resources under /examples/. */
    public static final List<String> NAMES = List.of("red_circle.png", "blue_square.png", "green_triangle.png");

    private Examples() {
    }

    public static byte[] image(String name) {
        try (InputStream in = Examples.class.getResourceAsStream("/examples/" + name)) {
            if (in == null) {
                throw new IllegalStateException("examples/" + name + " is not in the probe WAR");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
