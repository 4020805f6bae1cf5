package io.glm4vee.ejb.remote;

import io.glm4vee.ra.api.JobStatus;

import java.io.Serial;
import java.io.Serializable;

/** A {@link JobStatus} for the remote view. */
public final class RemoteJobStatus implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String id;
    private final String state;
    private final RemoteChatResponse result;
    private final String error;

    public RemoteJobStatus(String id, String state, RemoteChatResponse result, String error) {
        this.id = id;
        this.state = state;
        this.result = result;
        this.error = error;
    }

    public static RemoteJobStatus of(JobStatus s) {
        return new RemoteJobStatus(s.id(), s.state(), RemoteChatResponse.of(s.result()), s.error());
    }

    public JobStatus toStatus() {
        return new JobStatus(id, state, result == null ? null : result.toResponse(), error);
    }

    public String id() {
        return id;
    }

    public String state() {
        return state;
    }

    public RemoteChatResponse result() {
        return result;
    }

    public String error() {
        return error;
    }
}
