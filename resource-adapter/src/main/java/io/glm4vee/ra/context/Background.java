package io.glm4vee.ra.context;

/**
 * Where long work that is not a request runs: loading and rebuilding model replicas. In a
 * server this is the JCA WorkManager (see the spi package); tests and CLIs pass their own.
 * Implementations must not run the task on the calling thread.
 */
@FunctionalInterface
public interface Background {
    void run(String name, Runnable task);
}
