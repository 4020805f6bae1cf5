package io.glm4vee.web.dto;

import io.glm4vee.ra.api.UsageReport;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The caller's tokens: booked (committed), reserved (held by open transactions), quota (0 = none). */
@Schema(name = "Usage", description = "The caller's own tokens")
public record UsageView(@Schema(description = "the authenticated caller (anonymous without login)") String caller,
                        @Schema(description = "tokens the caller may book; 0 = unlimited") long quota,
                        @Schema(description = "tokens of committed requests") long booked,
                        @Schema(description = "tokens held by requests in open transactions") long reserved) {

    public static UsageView of(UsageReport u) {
        return new UsageView(u.caller(), u.quota(), u.booked(), u.reserved());
    }
}
