package io.glm4vee.engine.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.nio.file.Path;

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

    Path modelDir() {
        if (model != null) {
            return model;
        }
        String home = System.getenv("GLM4V_HOME");
        Path base = home == null ? Path.of(".") : Path.of(home);
        return base.resolve("models").resolve("glm4v-shapes-demo");
    }

    int threadCount() {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw new ParameterException(command.commandLine(), "--threads must be >= 1, got " + n);
        }
        return n;
    }
}
