package io.glm4vee.web.dto;

import io.glm4vee.ra.api.JobStatus;

/**
 * A deferred job: {"id", "state", "result"?, "error"?}; state is PENDING, RUNNING, DONE,
 * FAILED or CANCELLED; result (a chat answer) when DONE, error when FAILED or CANCELLED.
 */
public record JobView(String id, String state, ChatReply result, String error) {

    public static JobView of(JobStatus s) {
        return new JobView(s.id(), s.state(), ChatReply.of(s.result()), s.error());
    }
}
