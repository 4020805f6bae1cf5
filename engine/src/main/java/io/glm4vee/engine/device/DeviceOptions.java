package io.glm4vee.engine.device;

import java.time.Duration;
import java.util.List;

/**
 * Which cards a model replica runs on and how: the card ids (their count is the
 * tensor-parallel size), compute threads per card, the execution mode, the bound on any wait
 * for a card, and test-only fault injection.
 */
public record DeviceOptions(List<String> devices, int threadsPerCard, ExecutionMode mode, Duration timeout,
                            FaultInjector faults) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    public DeviceOptions {
        devices = List.copyOf(devices);
        DeviceIds.check(devices);
        mode = mode == null ? ExecutionMode.ASYNC : mode;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        faults = faults == null ? FaultInjector.none() : faults;
    }

    /** tp CPU cards cpu:0..tp-1 with the given threads each, asynchronous, default timeout. */
    public static DeviceOptions cpu(int tp, int threadsPerCard) {
        return new DeviceOptions(DeviceIds.firstCpus(tp), threadsPerCard, ExecutionMode.ASYNC, DEFAULT_TIMEOUT, null);
    }

    public int tp() {
        return devices.size();
    }

    public DeviceOptions withMode(ExecutionMode m) {
        return new DeviceOptions(devices, threadsPerCard, m, timeout, faults);
    }

    public DeviceOptions withTimeout(Duration t) {
        return new DeviceOptions(devices, threadsPerCard, mode, t, faults);
    }

    public DeviceOptions withFaults(FaultInjector f) {
        return new DeviceOptions(devices, threadsPerCard, mode, timeout, f);
    }

    /** Opens the group of cards these options describe. */
    public DeviceGroup openGroup() {
        return DeviceGroup.cpu(devices, threadsPerCard, mode, timeout, faults);
    }
}
