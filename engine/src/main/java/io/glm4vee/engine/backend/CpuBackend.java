package io.glm4vee.engine.backend;

import io.glm4vee.engine.device.DeviceGroup;
import io.glm4vee.engine.device.DeviceOptions;
import io.glm4vee.engine.model.CpuForward;
import io.glm4vee.engine.model.ModelConfig;
import io.glm4vee.engine.weights.Checkpoint;

/** The pure-Java backend: cards are worker threads, weights stay memory-mapped in their stored dtype. */
public final class CpuBackend implements Backend {
    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public String devicePrefix() {
        return "cpu";
    }

    @Override
    public DeviceGroup openGroup(DeviceOptions o) {
        return DeviceGroup.cpu(o.devices(), o.threadsPerCard(), o.mode(), o.timeout(), o.faults());
    }

    @Override
    public ModelForward forward(ModelConfig config, Checkpoint checkpoint, DeviceGroup group, DeviceOptions options) {
        return new CpuForward(config, checkpoint, group);
    }
}
