package io.glm4vee.ejb.remote;

import io.glm4vee.ra.api.ContextInfo;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;

/** A {@link ContextInfo} for the remote view. */
public final class RemoteContext implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String id;
    private final ArrayList<String> devices;
    private final String state;
    private final int active;
    private final int queued;
    private final int sessions;
    private final long served;
    private final String failure;

    public RemoteContext(String id, java.util.List<String> devices, String state, int active, int queued, int sessions,
                         long served, String failure) {
        this.id = id;
        this.devices = devices == null ? new ArrayList<>() : new ArrayList<>(devices);
        this.state = state;
        this.active = active;
        this.queued = queued;
        this.sessions = sessions;
        this.served = served;
        this.failure = failure;
    }

    public static RemoteContext of(ContextInfo c) {
        return new RemoteContext(c.id(), c.devices(), c.state(), c.active(), c.queued(), c.sessions(), c.served(),
                c.failure());
    }

    public ContextInfo toInfo() {
        return new ContextInfo(id, devices, state, active, queued, sessions, served, failure);
    }

    public String id() {
        return id;
    }

    public String state() {
        return state;
    }
}
