package io.glm4vee.ra.api;

import java.io.Serializable;

/** One card: id (cpu:0, npu:1), the context it serves, weight bytes it holds, state. */
public record DeviceInfo(String id, String context, long weightBytes, String state) implements Serializable {
}
