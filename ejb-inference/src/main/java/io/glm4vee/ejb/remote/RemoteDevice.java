package io.glm4vee.ejb.remote;

import io.glm4vee.ra.api.DeviceInfo;

import java.io.Serial;
import java.io.Serializable;

/** A {@link DeviceInfo} for the remote view. */
public final class RemoteDevice implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String id;
    private final String context;
    private final long weightBytes;
    private final String state;

    public RemoteDevice(String id, String context, long weightBytes, String state) {
        this.id = id;
        this.context = context;
        this.weightBytes = weightBytes;
        this.state = state;
    }

    public static RemoteDevice of(DeviceInfo d) {
        return new RemoteDevice(d.id(), d.context(), d.weightBytes(), d.state());
    }

    public DeviceInfo toInfo() {
        return new DeviceInfo(id, context, weightBytes, state);
    }

    public String id() {
        return id;
    }

    public String state() {
        return state;
    }
}
