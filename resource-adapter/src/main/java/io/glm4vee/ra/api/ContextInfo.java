package io.glm4vee.ra.api;

import java.io.Serializable;
import java.util.List;

/**
 * One device context: a model replica on tp cards.
 *
 * @param state    LOADING, READY, DRAINING, FAILED, REBUILDING, STOPPED
 * @param active   requests running now
 * @param queued   requests waiting for it
 * @param failure  why it failed, or null
 */
public record ContextInfo(String id, List<String> devices, String state, int active, int queued, int sessions,
                          long served, String failure) implements Serializable {
}
