package io.glm4vee.ra.api;

import java.io.Serializable;

/**
 * Where the time of one answered request went, measured by the adapter (nanoseconds).
 *
 * @param queueNanos            waiting for the device context (its FIFO queue, a load or a rebuild)
 * @param timeToFirstTokenNanos from the adapter taking the call (checks and image decoding included) to the
 *                              first generated token; 0 when no token was generated
 * @param prefillNanos          the prompt's forward pass (image included)
 * @param decodeNanos           after the prefill: every further token
 */
public record ChatTimings(long queueNanos, long timeToFirstTokenNanos, long prefillNanos, long decodeNanos)
        implements Serializable {

    /**
     * Tokens per second after the first token (the decode rate): (completionTokens - 1) / decode
     * time; 0 when fewer than two tokens were generated.
     */
    public double decodeTokensPerSecond(int completionTokens) {
        return completionTokens < 2 || decodeNanos <= 0 ? 0 : (completionTokens - 1) * 1e9 / decodeNanos;
    }
}
