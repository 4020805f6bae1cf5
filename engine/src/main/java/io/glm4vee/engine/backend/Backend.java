package io.glm4vee.engine.backend;

import io.glm4vee.engine.device.DeviceGroup;
import io.glm4vee.engine.device.DeviceOptions;
import io.glm4vee.engine.model.ModelConfig;
import io.glm4vee.engine.weights.Checkpoint;

/**
 * A device backend, found through {@link java.util.ServiceLoader} (see {@link Backends}), so the
 * engine depends on none of them: "cpu" (this module) and "ascend" (the glm4v-ascend module,
 * AscendCL/aclnn/HCCL through JavaCPP). A backend opens a group of its cards and builds the
 * device-dependent half of the model on them (embedding, text decoder with its KV cache,
 * vision tower and adapter, LM head); everything above that is shared.
 */
public interface Backend {
    /** "cpu", "ascend": the value of --backend and of the adapter's backend property. */
    String name();

    /** Prefix of this backend's card ids: "cpu" for cpu:0, "npu" for npu:0. */
    String devicePrefix();

    /** Opens the cards of options as one tensor-parallel group. */
    DeviceGroup openGroup(DeviceOptions options);

    /**
     * Builds the model's forward on the group: each rank gets (uploads, for a device with its
     * own memory) only its shard of the checkpoint, as TpPlan cuts it.
     */
    ModelForward forward(ModelConfig config, Checkpoint checkpoint, DeviceGroup group, DeviceOptions options);

    /**
     * True when a forward copies the weights into the cards' own memory (so a rebuild must free
     * the old group before building the new one: the cards do not hold two copies); false when
     * the weights stay mapped on the host (the CPU backend), where a rebuild builds first and
     * keeps the old group if that fails.
     */
    default boolean weightsInDeviceMemory() {
        return false;
    }
}
