package io.glm4vee.web.dto;

import io.glm4vee.ra.api.UsageReport;

/** The caller's tokens: booked (committed), reserved (held by open transactions), quota (0 = none). */
public record UsageView(String caller, long quota, long booked, long reserved) {

    public static UsageView of(UsageReport u) {
        return new UsageView(u.caller(), u.quota(), u.booked(), u.reserved());
    }
}
