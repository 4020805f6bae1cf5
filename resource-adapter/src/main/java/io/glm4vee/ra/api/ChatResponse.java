package io.glm4vee.ra.api;

import java.io.Serializable;

/**
 * @param finishReason stop, length or cancelled
 * @param context      the device context that answered
 */
public record ChatResponse(String text, String finishReason, int promptTokens, int completionTokens, String session,
                           String context) implements Serializable {
}
