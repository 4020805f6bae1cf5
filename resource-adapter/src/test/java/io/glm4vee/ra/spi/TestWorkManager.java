package io.glm4vee.ra.spi;

import jakarta.resource.spi.work.ExecutionContext;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkListener;
import jakarta.resource.spi.work.WorkManager;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A WorkManager that runs each Work on a new thread named test-wm-N and remembers where it ran. */
final class TestWorkManager implements WorkManager {
    private static final AtomicInteger N = new AtomicInteger();
    final List<String> ranOn = new CopyOnWriteArrayList<>();
    final List<String> scheduledFrom = new CopyOnWriteArrayList<>();

    @Override
    public void doWork(Work work) {
        work.run();
    }

    @Override
    public void doWork(Work work, long timeout, ExecutionContext ctx, WorkListener l) {
        work.run();
    }

    @Override
    public long startWork(Work work) {
        scheduleWork(work);
        return 0;
    }

    @Override
    public long startWork(Work work, long timeout, ExecutionContext ctx, WorkListener l) {
        scheduleWork(work);
        return 0;
    }

    @Override
    public void scheduleWork(Work work) {
        scheduledFrom.add(Thread.currentThread().getName());
        Thread t = new Thread(() -> {
            ranOn.add(Thread.currentThread().getName());
            work.run();
        }, "test-wm-" + N.incrementAndGet());
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void scheduleWork(Work work, long timeout, ExecutionContext ctx, WorkListener l) {
        scheduleWork(work);
    }
}
