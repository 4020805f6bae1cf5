package io.glm4vee.ra.context;

import io.glm4vee.engine.generate.CancellationToken;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;
import io.glm4vee.ra.api.JobStatus;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Asynchronous inference jobs. A job submitted inside a transaction waits (PENDING) for the
 * commit and is CANCELLED by a rollback; outside a transaction it is queued at once. Jobs run on
 * a small adapter-owned executor (threads glm4v-job-N, as many as contexts, idle threads exit)
 * with a bounded queue, each as its own unit of work. Finished jobs are kept for lookup, the
 * oldest forgotten beyond a bound.
 */
public final class DeferredJobs {
    /** Runs one job's request as a call that commits by itself. */
    @FunctionalInterface
    public interface Runner {
        ChatResponse run(ChatRequest request, CancellationToken cancel);
    }

    public enum State { PENDING, RUNNING, DONE, FAILED, CANCELLED }

    private static final int KEEP_FINISHED = 10_000;

    private final Runner runner;
    private final ThreadPoolExecutor executor;
    private final ConcurrentHashMap<String, Job> jobs = new ConcurrentHashMap<>();
    private final ArrayDeque<Job> finished = new ArrayDeque<>();     // guarded by itself

    public DeferredJobs(Runner runner, int threads, int queueCapacity) {
        this.runner = runner;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(Math.max(1, queueCapacity)), r -> {
                    Thread t = new Thread(r, "glm4v-job-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    public final class Job {
        private final String id = "job-" + UUID.randomUUID();
        private final ChatRequest request;
        private final CancellationToken cancel = new CancellationToken();
        private State state = State.PENDING;        // guarded by this
        private ChatResponse result;
        private String error;

        private Job(ChatRequest request) {
            this.request = request;
        }

        public String id() {
            return id;
        }

        public synchronized JobStatus status() {
            return new JobStatus(id, state.name(), result, error);
        }

        /** Queues the job; a full queue fails it (the commit itself cannot fail). */
        void startAfterCommit() {
            try {
                start();
            } catch (InferenceException e) {
                RaLog.warn(RaLog.JOBS_REJECTED, "job " + id + " could not be queued after commit: " + e.getMessage());
            }
        }

        private void start() {
            synchronized (this) {
                if (state != State.PENDING) {
                    return;
                }
            }
            try {
                executor.execute(this::run);
            } catch (RejectedExecutionException e) {
                String why = executor.isShutdown() ? "the resource adapter is stopping"
                        : "the job queue is full (" + executor.getQueue().size() + " jobs waiting)";
                finish(State.FAILED, null, Code.OVERLOADED + ": " + why);
                throw new InferenceException(executor.isShutdown() ? Code.UNAVAILABLE : Code.OVERLOADED,
                        "job " + id + " was not started: " + why, 5, null);
            }
        }

        private void run() {
            synchronized (this) {
                if (state != State.PENDING) {
                    return;
                }
                state = State.RUNNING;
            }
            try {
                ChatResponse r = runner.run(request, cancel);
                if (cancel.isCancelled()) {
                    finish(State.CANCELLED, null, "cancelled while running (the resource adapter stopped)");
                } else {
                    finish(State.DONE, r, null);
                }
            } catch (InferenceException e) {
                if (cancel.isCancelled()) {
                    finish(State.CANCELLED, null, "cancelled while running: " + e.getMessage());
                    return;
                }
                RaLog.warn(RaLog.JOB_FAILED, "job " + id + " failed: " + e.code() + ": " + e.getMessage());
                finish(State.FAILED, null, e.code() + ": " + e.getMessage());
            } catch (RuntimeException e) {            // recorded in the job and logged, never lost
                RaLog.error(RaLog.JOB_FAILED, "job " + id + " failed", e);
                finish(State.FAILED, null, Code.INTERNAL + ": " + e);
            }
        }

        void cancel(String why) {
            cancel.cancel();
            finish(State.CANCELLED, null, why);
        }

        private void finish(State s, ChatResponse r, String why) {
            synchronized (this) {
                if (state == State.DONE || state == State.FAILED || state == State.CANCELLED) {
                    return;
                }
                state = s;
                result = r;
                error = why;
            }
            synchronized (finished) {
                finished.addLast(this);
                while (finished.size() > KEEP_FINISHED) {
                    jobs.remove(finished.removeFirst().id);
                }
            }
        }
    }

    /** Registers a job; with uow it starts on commit, without it starts now. */
    public Job submit(ChatRequest request, UnitOfWork uow) {
        Job j = new Job(request);
        jobs.put(j.id, j);
        if (uow != null) {
            uow.addJob(j);
        } else {
            j.start();
        }
        return j;
    }

    public JobStatus status(String id) {
        Job j = id == null ? null : jobs.get(id);
        if (j == null) {
            throw Errors.notFound("unknown job '" + id + "'");
        }
        return j.status();
    }

    /** Cancels whatever has not finished and stops the threads, waiting at most graceMillis. */
    public void stop(long graceMillis) {
        executor.shutdown();
        for (Iterator<Job> it = jobs.values().iterator(); it.hasNext(); ) {
            it.next().cancel("the resource adapter stopped");
        }
        try {
            if (!executor.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
                if (!executor.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
                    RaLog.warn(RaLog.STOP_BOUND_EXCEEDED, "job threads did not end within " + graceMillis + " ms");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}
