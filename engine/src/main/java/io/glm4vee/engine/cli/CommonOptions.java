package io.glm4vee.engine.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import io.glm4vee.engine.device.DeviceIds;
import io.glm4vee.engine.device.DeviceOptions;
import io.glm4vee.engine.device.ExecutionMode;
import io.glm4vee.engine.device.FaultInjector;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Options shared by the commands that load a model. */
final class CommonOptions {
    /** The command this mixin is part of, so an error's usage hint names it. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--model", paramLabel = "DIR",
            description = "checkpoint directory (default: the demo model, models/glm4v-shapes-demo)")
    Path model;

    @Option(names = "--threads", paramLabel = "N", description = "compute threads (default: all cores)")
    Integer threads;

    @Option(names = "--debug", description = "print stack traces")
    boolean debug;

    @Option(names = "--tp", paramLabel = "N", description = "tensor-parallel cards (default: 1, or the number of --devices)")
    Integer tp;

    @Option(names = "--devices", paramLabel = "IDS",
            description = "cards to use, e.g. cpu:0,cpu:1 or npu:0,npu:1 (default: the backend's cards 0..tp-1)")
    String devices;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "device backend: cpu (default) or ascend (npu:N cards; needs the glm4v-ascend module)")
    String backend;

    @Option(names = "--launch-blocking", description = "run every op synchronously and stop at the one that fails "
            + "(also GLM4V_LAUNCH_BLOCKING=1 or ASCEND_LAUNCH_BLOCKING=1)")
    boolean launchBlocking;

    @Option(names = "--device-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "fail a request when a card does not answer for this long (default: ${DEFAULT-VALUE})")
    double deviceTimeout;

    @Option(names = "--fault", paramLabel = "RULE", hidden = true,
            description = "test only: inject a card fault, e.g. cpu:1:matmul_allreduce:throw")
    List<String> faults;

    Path modelDir() {
        if (model != null) {
            return model;
        }
        String home = System.getenv("GLM4V_HOME");
        Path base = home == null ? Path.of(".") : Path.of(home);
        return base.resolve("models").resolve("glm4v-shapes-demo");
    }

    /**
     * The cards: --devices, else --tp cards cpu:0..tp-1; --threads is per card, and defaults to
     * the cores divided among the cards.
     */
    DeviceOptions deviceOptions() {
        String b = backend == null ? null : backend.trim().toLowerCase(java.util.Locale.ROOT);
        String prefix = "ascend".equals(b) ? "npu" : "cpu";
        List<String> ids = devices != null ? DeviceIds.parse(devices) : DeviceIds.first(prefix, tp == null ? 1 : tp);
        if (tp != null && tp != ids.size()) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--tp " + tp + " does not match the " + ids.size() + " cards of --devices " + devices);
        }
        if (!(deviceTimeout > 0)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--device-timeout must be > 0, got " + deviceTimeout);
        }
        int perCard = threads != null ? threadCount()
                : Math.max(1, Runtime.getRuntime().availableProcessors() / ids.size());
        return new DeviceOptions(ids, perCard, ExecutionMode.resolve(launchBlocking, System.getenv()),
                Duration.ofMillis((long) (deviceTimeout * 1000)), faults == null ? null : FaultInjector.parse(faults), b);
    }

    int threadCount() {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw new ParameterException(command.commandLine(), "--threads must be >= 1, got " + n);
        }
        return n;
    }
}
