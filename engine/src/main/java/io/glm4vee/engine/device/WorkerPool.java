package io.glm4vee.engine.device;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.ops.Parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The compute threads of one CPU card. The calling thread works too, so a pool of n threads
 * starts n - 1 workers. Threads are daemon threads named after the card and are stopped by
 * {@link #close()}: nothing stays behind after an undeploy.
 */
public final class WorkerPool implements Parallel, AutoCloseable {
    private final int threads;
    private final List<Worker> workers = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    public WorkerPool(String name, int threads) {
        if (threads < 1) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        for (int i = 1; i < threads; i++) {
            Worker w = new Worker();
            Thread t = new Thread(w, name + "-w" + i);
            t.setDaemon(true);
            w.thread = t;
            workers.add(w);
            t.start();
        }
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public void forRange(int n, RangeBody body) {
        if (n <= 0) {
            return;
        }
        if (closed.get()) {
            throw new EngineException(ErrorCode.DEVICE_FAILED, "worker pool is closed");
        }
        int parts = Math.min(threads, n);
        if (parts == 1) {
            body.run(0, n);
            return;
        }
        CountDownLatch done = new CountDownLatch(parts - 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int p = 1; p < parts; p++) {
            int from = (int) ((long) n * p / parts);
            int to = (int) ((long) n * (p + 1) / parts);
            Runnable task = () -> {
                try {
                    body.run(from, to);
                } catch (Throwable e) { // handed to the caller below, never swallowed
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            };
            try {
                workers.get(p - 1).queue.put(task);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(ErrorCode.CANCELLED, "interrupted while dispatching work");
            }
        }
        try {
            body.run(0, (int) ((long) n / parts));
        } finally {
            awaitUninterruptibly(done);
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) {
            throw re;
        } else if (f instanceof Error err) {
            throw err;
        } else if (f != null) {
            throw new EngineException(ErrorCode.INTERNAL, "worker failed", f);
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the workers still use our buffers: wait for them first
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (Worker w : workers) {
                w.thread.interrupt();
            }
            for (Worker w : workers) {
                try {
                    w.thread.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static final class Worker implements Runnable {
        final SynchronousQueue<Runnable> queue = new SynchronousQueue<>();
        Thread thread;

        @Override
        public void run() {
            try {
                while (true) {
                    queue.take().run();
                }
            } catch (InterruptedException e) {
                // close(): exit
            }
        }
    }
}
