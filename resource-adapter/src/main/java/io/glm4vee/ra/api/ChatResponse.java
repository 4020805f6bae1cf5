package io.glm4vee.ra.api;

import java.io.Serializable;

/**
 * @param finishReason stop, length or cancelled
 * @param context      the device context that answered
 * @param timings      where the time went (queue, first token, prefill, decode); null when not measured
 */
public record ChatResponse(String text, String finishReason, int promptTokens, int completionTokens, String session,
                           String context, ChatTimings timings) implements Serializable {

    /** An answer without timings. */
    public ChatResponse(String text, String finishReason, int promptTokens, int completionTokens, String session,
                        String context) {
        this(text, finishReason, promptTokens, completionTokens, session, context, null);
    }
}
