package io.glm4vee.web.dto;

import io.glm4vee.ra.api.DeviceInfo;
import jakarta.json.bind.annotation.JsonbProperty;

import java.util.List;

/** Answer of GET /api/v1/devices: {"devices": [{"id", "context", "weight_bytes", "state"}]}. */
public record DeviceList(List<Device> devices) {

    public record Device(String id, String context, @JsonbProperty("weight_bytes") long weightBytes, String state) {
    }

    public static DeviceList of(List<DeviceInfo> devices) {
        return new DeviceList(devices.stream()
                .map(d -> new Device(d.id(), d.context(), d.weightBytes(), d.state()))
                .toList());
    }
}
