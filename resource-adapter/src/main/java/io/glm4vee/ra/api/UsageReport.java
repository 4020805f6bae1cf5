package io.glm4vee.ra.api;

import java.io.Serializable;

/**
 * Token usage of one caller: booked = committed, reserved = held by open transactions,
 * quota = the limit (0 = none).
 */
public record UsageReport(String caller, long quota, long booked, long reserved) implements Serializable {
}
