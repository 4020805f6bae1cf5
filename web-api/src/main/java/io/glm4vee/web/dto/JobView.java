package io.glm4vee.web.dto;

import io.glm4vee.ra.api.JobStatus;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A deferred job: {"id", "state", "result"?, "error"?}; state is PENDING, RUNNING, DONE,
 * FAILED or CANCELLED; result (a chat answer) when DONE, error when FAILED or CANCELLED.
 */
@Schema(name = "Job", description = "A deferred job")
public record JobView(@Schema(example = "j-...") String id,
                      @Schema(enumeration = {"PENDING", "RUNNING", "DONE", "FAILED", "CANCELLED"}) String state,
                      @Schema(description = "the answer, when DONE") ChatReply result,
                      @Schema(description = "why it failed or was cancelled") String error) {

    public static JobView of(JobStatus s) {
        return new JobView(s.id(), s.state(), ChatReply.of(s.result()), s.error());
    }
}
