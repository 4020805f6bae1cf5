package io.glm4vee.sample;

import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Builds the sample's requests: a question, optionally about one of the demo model's example
 * pictures bundled with this WAR (red_circle, blue_square, green_triangle, yellow_star).
 */
public final class Questions {

    public static final List<String> IMAGES = List.of("red_circle", "blue_square", "green_triangle", "yellow_star");
    static final String DEFAULT_QUESTION = "What is in the picture?";

    private Questions() {
    }

    /**
     * @param question the q parameter; defaults to "What is in the picture?" when an image is named
     * @param image    an example name or null
     * @throws IllegalArgumentException for an unknown image or no question at all
     */
    public static ChatRequest request(String question, String image, Integer maxTokens) {
        byte[] picture = image == null || image.isBlank() ? null : example(image.strip());
        String q = question == null || question.isBlank() ? (picture != null ? DEFAULT_QUESTION : null) : question.strip();
        if (q == null) {
            throw new IllegalArgumentException("ask something: ?q=Who+are+you%3F or ?image=red_circle");
        }
        // the caller is set by the EJB from the authenticated principal
        return new ChatRequest(null, List.of(new ChatMessage("user", q, picture != null)), picture, maxTokens, null,
                null, null, null, null, null);
    }

    static byte[] example(String name) {
        if (!IMAGES.contains(name)) {
            throw new IllegalArgumentException("unknown image '" + name + "'; one of " + String.join(", ", IMAGES));
        }
        try (InputStream in = Questions.class.getResourceAsStream("images/" + name + ".png")) {
            if (in == null) {
                throw new IllegalStateException("example image " + name + " is missing from the WAR");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
