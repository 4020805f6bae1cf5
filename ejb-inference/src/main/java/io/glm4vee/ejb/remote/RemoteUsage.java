package io.glm4vee.ejb.remote;

import io.glm4vee.ra.api.UsageReport;

import java.io.Serial;
import java.io.Serializable;

/** A {@link UsageReport} for the remote view. */
public final class RemoteUsage implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String caller;
    private final long quota;
    private final long booked;
    private final long reserved;

    public RemoteUsage(String caller, long quota, long booked, long reserved) {
        this.caller = caller;
        this.quota = quota;
        this.booked = booked;
        this.reserved = reserved;
    }

    public static RemoteUsage of(UsageReport u) {
        return new RemoteUsage(u.caller(), u.quota(), u.booked(), u.reserved());
    }

    public UsageReport toReport() {
        return new UsageReport(caller, quota, booked, reserved);
    }

    public String caller() {
        return caller;
    }

    public long quota() {
        return quota;
    }

    public long booked() {
        return booked;
    }

    public long reserved() {
        return reserved;
    }
}
