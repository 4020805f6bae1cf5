package io.glm4vee.engine.generate;

/** Streaming callback: called on the generating thread for each token. */
@FunctionalInterface
public interface TokenListener {
    /**
     * @param tokenId   the generated id (stop tokens included)
     * @param textDelta new answer text that is now final (may be empty: text is held back
     *                  while it could still become a stop string or is an incomplete UTF-8 sequence)
     */
    void onToken(int tokenId, String textDelta);

    TokenListener NONE = (id, delta) -> { };
}
