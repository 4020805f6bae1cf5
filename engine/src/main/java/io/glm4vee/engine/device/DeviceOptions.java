package io.glm4vee.engine.device;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.backend.Backend;
import io.glm4vee.engine.backend.Backends;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Which cards a model replica runs on and how: the card ids (their count is the
 * tensor-parallel size), compute threads per card, the execution mode, the bound on any wait
 * for a card, test-only fault injection, and the backend the cards belong to ("cpu" for
 * cpu:N, "ascend" for npu:N).
 */
public record DeviceOptions(List<String> devices, int threadsPerCard, ExecutionMode mode, Duration timeout,
                            FaultInjector faults, String backend) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);

    public DeviceOptions {
        devices = List.copyOf(devices);
        DeviceIds.check(devices);
        mode = mode == null ? ExecutionMode.ASYNC : mode;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        faults = faults == null ? FaultInjector.none() : faults;
        String prefix = DeviceIds.prefix(devices.get(0));
        if (backend == null) {
            backend = "npu".equals(prefix) ? "ascend" : "cpu";
        }
        backend = backend.trim().toLowerCase(Locale.ROOT);
        String expected = "cpu".equals(backend) ? "cpu" : "ascend".equals(backend) ? "npu" : null;
        if (expected != null && !expected.equals(prefix)) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "card " + devices.get(0) + " does not belong to backend "
                    + backend + " (its cards are " + expected + ":0, " + expected + ":1, ...)");
        }
    }

    /** The backend follows from the card ids (cpu:N -> cpu, npu:N -> ascend). */
    public DeviceOptions(List<String> devices, int threadsPerCard, ExecutionMode mode, Duration timeout,
                         FaultInjector faults) {
        this(devices, threadsPerCard, mode, timeout, faults, null);
    }

    /** tp CPU cards cpu:0..tp-1 with the given threads each, asynchronous, default timeout. */
    public static DeviceOptions cpu(int tp, int threadsPerCard) {
        return new DeviceOptions(DeviceIds.firstCpus(tp), threadsPerCard, ExecutionMode.ASYNC, DEFAULT_TIMEOUT, null);
    }

    /** tp cards of the backend (cpu:0..tp-1 or npu:0..tp-1), asynchronous, default timeout. */
    public static DeviceOptions of(String backend, int tp, int threadsPerCard) {
        String prefix = "ascend".equals(backend) ? "npu" : "cpu";
        return new DeviceOptions(DeviceIds.first(prefix, tp), threadsPerCard, ExecutionMode.ASYNC, DEFAULT_TIMEOUT,
                null, backend);
    }

    public int tp() {
        return devices.size();
    }

    public DeviceOptions withMode(ExecutionMode m) {
        return new DeviceOptions(devices, threadsPerCard, m, timeout, faults, backend);
    }

    public DeviceOptions withTimeout(Duration t) {
        return new DeviceOptions(devices, threadsPerCard, mode, t, faults, backend);
    }

    public DeviceOptions withFaults(FaultInjector f) {
        return new DeviceOptions(devices, threadsPerCard, mode, timeout, f, backend);
    }

    /** The backend these options name; BackendUnavailableException when it is not on the class path. */
    public Backend backendImpl() {
        Backend b = Backends.get(backend);
        if (!b.devicePrefix().equals(DeviceIds.prefix(devices.get(0)))) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "card " + devices.get(0) + " does not belong to backend "
                    + backend + " (its cards are " + b.devicePrefix() + ":0, " + b.devicePrefix() + ":1, ...)");
        }
        return b;
    }

    /** Opens the group of cards these options describe, on their backend. */
    public DeviceGroup openGroup() {
        return backendImpl().openGroup(this);
    }
}
