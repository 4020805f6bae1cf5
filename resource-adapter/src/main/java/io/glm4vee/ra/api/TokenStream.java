package io.glm4vee.ra.api;

/** Receives answer text as it is generated; the pieces add up to the final text. */
@FunctionalInterface
public interface TokenStream {
    void onText(String delta);
}
