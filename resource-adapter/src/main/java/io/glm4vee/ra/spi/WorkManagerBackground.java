package io.glm4vee.ra.spi;

import io.glm4vee.ra.context.Background;
import io.glm4vee.ra.context.RaLog;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import jakarta.resource.spi.work.WorkManager;

/**
 * Background work (loading and rebuilding contexts) on the server's WorkManager, as JCA asks of
 * an adapter. Without one (a non-managed start with no BootstrapContext), or when the
 * WorkManager refuses, a plain thread named glm4v-bg-... runs it; it ends with the task.
 */
final class WorkManagerBackground implements Background {
    private final WorkManager workManager;

    private WorkManagerBackground(WorkManager workManager) {
        this.workManager = workManager;
    }

    static Background of(BootstrapContext ctx) {
        WorkManager wm = ctx == null ? null : ctx.getWorkManager();
        return new WorkManagerBackground(wm);
    }

    @Override
    public void run(String name, Runnable task) {
        if (workManager != null) {
            try {
                workManager.scheduleWork(new NamedWork(name, task));
                return;
            } catch (WorkException e) {
                RaLog.warn(RaLog.BACKGROUND_FALLBACK, "the WorkManager refused '" + name + "' (" + e.getMessage()
                        + "); running it on an adapter thread");
            }
        }
        Thread t = new Thread(task, "glm4v-bg-" + name.replace(' ', '-'));
        t.setDaemon(true);
        t.start();
    }

    /** The adapter's stop() ends its work; release() has nothing more to do. */
    private record NamedWork(String name, Runnable task) implements Work {
        @Override
        public void run() {
            task.run();
        }

        @Override
        public void release() {
            // loading checks the adapter's state between files and gives up when it stops
        }

        @Override
        public String toString() {
            return "glm4v " + name;
        }
    }
}
