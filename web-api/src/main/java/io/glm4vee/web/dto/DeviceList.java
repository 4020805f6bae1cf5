package io.glm4vee.web.dto;

import io.glm4vee.ra.api.DeviceInfo;
import jakarta.json.bind.annotation.JsonbProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** Answer of GET /api/v1/devices: {"devices": [{"id", "context", "weight_bytes", "state"}]}. */
@Schema(name = "DeviceList", description = "The cards")
public record DeviceList(@Schema(description = "every card, unused ones last") List<Device> devices) {

    @Schema(name = "Device", description = "One card")
    public record Device(@Schema(example = "cpu:0") String id,
                         @Schema(description = "the device context it serves (absent: unused)") String context,
                         @Schema(description = "bytes of weight slices it holds") @JsonbProperty("weight_bytes")
                         long weightBytes,
                         @Schema(description = "its context's state, or UNUSED") String state) {
    }

    public static DeviceList of(List<DeviceInfo> devices) {
        return new DeviceList(devices.stream()
                .map(d -> new Device(d.id(), d.context(), d.weightBytes(), d.state()))
                .toList());
    }
}
