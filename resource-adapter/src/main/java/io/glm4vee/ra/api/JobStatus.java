package io.glm4vee.ra.api;

import java.io.Serializable;

/**
 * @param state  PENDING (waits for commit or a free context), RUNNING, DONE, FAILED, CANCELLED
 * @param result the answer when DONE
 * @param error  the reason when FAILED or CANCELLED
 */
public record JobStatus(String id, String state, ChatResponse result, String error) implements Serializable {
}
