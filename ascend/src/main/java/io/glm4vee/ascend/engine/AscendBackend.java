package io.glm4vee.ascend.engine;

import io.glm4vee.ascend.runtime.AscendRuntime;
import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.backend.Backend;
import io.glm4vee.engine.backend.ModelForward;
import io.glm4vee.engine.device.DeviceGroup;
import io.glm4vee.engine.device.DeviceOptions;
import io.glm4vee.engine.device.ExecutionMode;
import io.glm4vee.engine.model.ModelConfig;
import io.glm4vee.engine.weights.Checkpoint;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The Ascend backend ("ascend", cards npu:N): AscendCL contexts and streams, aclnn operators
 * and HCCL through the JavaCPP bindings of this module. Without -Pascend the bindings call
 * libglm4v_cann_sim, the CANN-API simulator built with this module; no real Ascend card has
 * run this code yet.
 */
public final class AscendBackend implements Backend {
    // no static runtime: each group holds AscendCL (AscendRuntime.acquire) and releases it when it
    // closes, so the last group of this class loader finalises it (an application restart starts clean)

    @Override
    public String name() {
        return "ascend";
    }

    @Override
    public String devicePrefix() {
        return "npu";
    }

    /** Acquires AscendCL for one user (close it to release), as an {@link EngineException} when it cannot. */
    static AscendRuntime acquireRuntime() {
        try {
            return AscendRuntime.acquire();
        } catch (RuntimeException | LinkageError e) {
            throw new EngineException(ErrorCode.BACKEND_UNAVAILABLE, "backend 'ascend' cannot start AscendCL: "
                    + e.getMessage(), e);
        }
    }

    /** The number of Ascend cards of this host (AscendCL held only for the question). */
    static int deviceCount() {
        try (AscendRuntime rt = acquireRuntime()) {
            return rt.deviceCount();
        }
    }

    @Override
    public DeviceGroup openGroup(DeviceOptions o) {
        AscendRuntime rt = acquireRuntime();
        try {
            return openGroup(o, rt).afterClose(rt::close);
        } catch (RuntimeException | Error e) {
            rt.close();
            throw e;
        }
    }

    private static DeviceGroup openGroup(DeviceOptions o, AscendRuntime rt) {
        int count = rt.deviceCount();
        for (String id : o.devices()) {
            int n = Integer.parseInt(id.substring(id.indexOf(':') + 1));
            if (n >= count) {
                throw new EngineException(ErrorCode.BAD_REQUEST, "device " + id + " does not exist: this host has "
                        + count + " Ascend card(s)" + (AscendRuntime.isSimulator() ? " (simulated)" : ""));
            }
        }
        boolean blocking = o.mode() == ExecutionMode.LAUNCH_BLOCKING;
        long openMillis = Math.max(1_000, o.timeout().toMillis());
        AtomicReference<AscendCommunicator> comm = new AtomicReference<>();
        return DeviceGroup.of(o.devices(), o.mode(), o.timeout(),
                (id, rank, onFailure) -> new AscendDevice(id, rank, rt, blocking, o.faults(), onFailure,
                        () -> comm.get() != null && comm.get().isAborted(), openMillis),
                cards -> {
                    AscendCommunicator c = new AscendCommunicator(cards);
                    comm.set(c);
                    return c;
                });
    }

    @Override
    public boolean weightsInDeviceMemory() {
        return true;
    }

    @Override
    public ModelForward forward(ModelConfig config, Checkpoint checkpoint, DeviceGroup group, DeviceOptions options) {
        return new AscendForward(config, checkpoint, group, AscendTuning.fromSystem());
    }
}
