package io.glm4vee.ra.context;

import io.glm4vee.engine.device.DeviceGroup;
import io.glm4vee.engine.device.DeviceOptions;
import io.glm4vee.engine.generate.CancellationToken;
import io.glm4vee.engine.model.Glm4vModel;
import io.glm4vee.ra.api.ContextInfo;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;
import io.glm4vee.ra.api.MetricsSnapshot;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One model replica on its own tp cards, with a bounded FIFO queue in front of it. The model
 * serves one request at a time: a request takes the {@link Slot}, generates on its own thread
 * (so streaming callbacks run where the caller is) and gives the slot back. Loading and
 * rebuilding hold the slot too, so that stop() never closes a model somebody is using.
 *
 * <p>Every wait is bounded; a full queue answers OVERLOADED at once with a retry hint.
 */
public final class DeviceContext {
    private final String id;
    private final int index;
    private final Path modelDir;
    private final DeviceOptions options;
    private final int queueDepth;
    private final long loadDelayMillis;
    private final Background background;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Object> queue = new ArrayDeque<>();   // waiting requests, FIFO tickets
    // guarded by lock:
    private ContextState state = ContextState.LOADING;
    private Glm4vModel model;
    private String failure;
    private boolean busy;                  // a request, a load or a rebuild holds the model
    private CancellationToken running;     // the request holding it, cancelled by stop()
    private boolean rebuildPending;
    private String closing;                // why new requests are turned away before stop() (adapter stopping), or null
    private long generation;               // bumped whenever the device group is replaced
    private long served;
    private int leases;
    private double avgServiceSeconds = 1;  // moving average, for Retry-After hints
    // metrics, guarded by lock: counters that outlive a device group (see metrics())
    private long loadAttempts;
    private long rebuilds;
    private long cardFailures;
    private final GroupCounters counters;  // busy time, ops, contiguity copies over every device group

    public DeviceContext(int index, Path modelDir, DeviceOptions options, int queueDepth, Background background) {
        this(index, modelDir, options, queueDepth, 0, background);
    }

    /** @param loadDelayMillis test hook: each load of the model waits this long first (faultInjection load:delay) */
    public DeviceContext(int index, Path modelDir, DeviceOptions options, int queueDepth, long loadDelayMillis,
                         Background background) {
        this.id = "ctx-" + index;
        this.index = index;
        this.modelDir = modelDir;
        this.options = options;
        this.queueDepth = queueDepth;
        this.loadDelayMillis = loadDelayMillis;
        this.background = background;
        this.counters = new GroupCounters(options.tp());
    }

    public String id() {
        return id;
    }

    public int index() {
        return index;
    }

    public List<String> devices() {
        return options.devices();
    }

    /** Exclusive use of the model by one request; close() hands it back. */
    public final class Slot implements AutoCloseable {
        private final Glm4vModel model;
        private final long generation;
        private final long started = System.nanoTime();
        private boolean closed;

        private Slot(Glm4vModel model, long generation) {
            this.model = model;
            this.generation = generation;
        }

        public Glm4vModel model() {
            return model;
        }

        /** Which device group the model had when the slot was taken (KV caches are bound to it). */
        public long generation() {
            return generation;
        }

        public DeviceContext context() {
            return DeviceContext.this;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(System.nanoTime() - started);
            }
        }
    }

    // ------------------------------------------------------------------ loading

    /** Schedules the first load on the background runner. */
    public void startLoading() {
        lock.lock();
        try {
            busy = true;
            state = ContextState.LOADING;
        } finally {
            lock.unlock();
        }
        background.run("load " + id, () -> loadOrRebuild(true));
    }

    /** Runs on the background runner with the slot held (busy). */
    private void loadOrRebuild(boolean firstLoad) {
        long t0 = System.nanoTime();
        Glm4vModel current;
        boolean firstAttempt;
        lock.lock();
        try {
            current = model;
            firstAttempt = loadAttempts++ == 0;
            if (current != null) {
                counters.retire(current.group());    // its counters carry over to the group that replaces it
            }
        } finally {
            lock.unlock();
        }
        Glm4vModel loaded = null;
        RuntimeException error = null;
        try {
            if (current == null) {
                claimCards();
                RaLog.info(RaLog.CONTEXT_LOADING, id + " loads " + modelDir + " onto " + options.devices()
                        + " (" + options.mode() + ")");
                delayLoad();
                loaded = Glm4vModel.load(modelDir, options, this::checkNotStopped);
            } else {
                current.rebuild();
                loaded = current;
            }
        } catch (RuntimeException e) {      // reported below and kept as the context's failure
            error = e;
        }
        lock.lock();
        try {
            busy = false;
            if (error == null && !firstAttempt && state != ContextState.STOPPED) {
                rebuilds++;
            }
            rebuildPending = false;
            if (state == ContextState.STOPPED) {
                if (loaded != null) {
                    loaded.close();
                } else if (current != null) {
                    current.close();      // a failed rebuild still holds the old group (and AscendCL): let go of it
                }
                model = null;
                CardClaims.release(options.devices(), this);
            } else if (error != null) {
                if (current == null) {
                    CardClaims.release(options.devices(), this);    // no model on them: another context may load
                }
                state = ContextState.FAILED;
                failure = (firstLoad ? "loading the model failed: " : "rebuilding failed: ") + error.getMessage();
                RaLog.error(firstLoad ? RaLog.CONTEXT_LOAD_FAILED : RaLog.CONTEXT_REBUILD_FAILED,
                        id + " on " + options.devices() + ": " + failure, error);
            } else {
                model = loaded;
                generation++;
                state = ContextState.READY;
                failure = null;
                double s = (System.nanoTime() - t0) / 1e9;
                if (firstLoad) {
                    RaLog.info(RaLog.CONTEXT_READY, String.format("%s is ready on %s in %.1f s", id, options.devices(), s));
                } else {
                    RaLog.info(RaLog.CONTEXT_REBUILT, String.format("%s was rebuilt on %s in %.1f s and is back in "
                            + "service", id, options.devices(), s));
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until no other device context of this application holds these cards (an adapter instance
     * that Liberty replaces after a configuration change), at most deviceTimeoutSeconds; see CardClaims.
     */
    private void claimCards() {
        long deadline = System.nanoTime() + options.timeout().toNanos();
        CardClaims.claim(options.devices(), this, deadline, () -> state() == ContextState.STOPPED,
                busy -> RaLog.warn(RaLog.CARDS_HELD, id + " waits for cards " + busy + ", held by another device "
                        + "context of this application (an adapter instance being replaced), at most "
                        + options.timeout().toSeconds() + " s"));
    }

    private void checkNotStopped(long done, long total) {
        if (state() == ContextState.STOPPED) {
            throw new CancellationException("the adapter stopped while " + id + " was loading");
        }
    }

    /** The test hook faultInjection=load:delay:MILLIS: a slow load, cut short by stop(). */
    private void delayLoad() {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(loadDelayMillis);
        lock.lock();
        try {
            long left;
            while ((left = end - System.nanoTime()) > 0) {
                if (state == ContextState.STOPPED) {
                    throw new CancellationException("the adapter stopped while " + id + " was loading");
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while " + id + " was loading");
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ admission

    /**
     * Waits in FIFO order for the model, at most until deadlineNanos.
     *
     * @throws InferenceException OVERLOADED (queue full), TIMEOUT (waited too long for a busy
     *                            context), UNAVAILABLE (loading, rebuilding, drained, stopped),
     *                            DEVICE_FAILED (failed and not being rebuilt)
     */
    public Slot acquire(long deadlineNanos, CancellationToken token) {
        lock.lock();
        try {
            if (closing != null && state != ContextState.STOPPED) {
                throw Errors.unavailable(id + " takes no new work: " + closing, CLOSING_RETRY_SECONDS);
            }
            checkAdmissible();
            boolean runsNow = state == ContextState.READY && !busy && queue.isEmpty();
            if (!runsNow && queue.size() >= queueDepth) {
                int retry = retryAfterSeconds(queue.size() + 1);
                throw new InferenceException(Code.OVERLOADED, id + " has " + queue.size() + " request(s) waiting, "
                        + "its queue holds " + queueDepth + " (queueDepth); retry in " + retry + " s", retry, null);
            }
            Object ticket = new Object();
            queue.addLast(ticket);
            try {
                while (!(queue.peekFirst() == ticket && !busy && state == ContextState.READY)) {
                    checkAdmissible();
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        throw waitedTooLong();
                    }
                    changed.awaitNanos(left);
                }
                queue.removeFirst();
                busy = true;
                running = token;
                return new Slot(model, generation);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Errors.unavailable("interrupted while waiting for " + id, null);
            } finally {
                if (queue.remove(ticket)) {
                    changed.signalAll();    // the next in line may go now
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Requests already queued still run while draining; new ones are turned away. */
    private void checkAdmissible() {
        switch (state) {
            case STOPPED -> throw Errors.unavailable("the resource adapter is stopping; " + id + " takes no work", null);
            case DRAINING -> throw Errors.unavailable(id + " is drained by an administrator and takes no new work "
                    + "until it is rebuilt", null);
            case FAILED -> {
                if (!rebuildPending) {
                    throw new InferenceException(Code.DEVICE_FAILED, id + " is out of service: " + failure
                            + " (an administrator can rebuild it)", null, null);
                }
            }
            default -> { }
        }
    }

    private InferenceException waitedTooLong() {
        return switch (state) {
            case LOADING -> Errors.unavailable(id + " is still loading the model; retry later", 5);
            case FAILED, REBUILDING -> Errors.unavailable(id + " is being rebuilt after a card failure (" + failure
                    + "); retry later", 5);
            default -> new InferenceException(Code.TIMEOUT, "waited the request timeout for " + id + " ("
                    + queue.size() + " request(s) queued)", retryAfterSeconds(queue.size()), null);
        };
    }

    private int retryAfterSeconds(int requestsAhead) {
        return (int) Math.max(1, Math.min(600, Math.ceil(avgServiceSeconds * Math.max(1, requestsAhead))));
    }

    private void release(long nanos) {
        lock.lock();
        try {
            busy = false;
            running = null;
            served++;
            avgServiceSeconds = 0.8 * avgServiceSeconds + 0.2 * (nanos / 1e9);
            if (state == ContextState.STOPPED && model != null) {
                model.close();            // stop() gave up waiting for this request: close now
                model = null;
                CardClaims.release(options.devices(), this);
            } else if (rebuildPending && state == ContextState.FAILED) {
                busy = true;              // the rebuild takes the slot before anyone queued
                state = ContextState.REBUILDING;
                background.run("rebuild " + id, () -> loadOrRebuild(false));
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ failures, drain, rebuild

    /**
     * A card of this context failed during a request (which still holds the slot). The context
     * leaves service and is rebuilt as soon as the slot is released.
     *
     * @return true when this call took the context out of service (false when already out)
     */
    public boolean markFailed(String why) {
        lock.lock();
        try {
            if (state != ContextState.READY && state != ContextState.DRAINING) {
                return false;
            }
            state = ContextState.FAILED;
            failure = why;
            rebuildPending = true;
            cardFailures++;
            RaLog.warn(RaLog.CONTEXT_DEVICE_FAILED, id + " on " + options.devices() + " left service: " + why
                    + "; it is rebuilt in the background");
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Admin: no new work; waits (bounded) for queued and running work to finish. */
    public boolean drain(long timeoutNanos) {
        lock.lock();
        try {
            if (state == ContextState.READY) {
                state = ContextState.DRAINING;
                RaLog.info(RaLog.CONTEXT_DRAINING, id + " is draining: no new work, " + queue.size() + " queued, "
                        + (busy ? "1" : "0") + " running");
            }
            long left = timeoutNanos;
            while ((busy || !queue.isEmpty()) && state != ContextState.STOPPED) {
                if (left <= 0) {
                    RaLog.warn(RaLog.DRAIN_BOUND_EXCEEDED, id + " still has work after the drain bound of "
                            + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s");
                    return false;
                }
                left = changed.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Admin: drains (bounded), then replaces the device group (or loads the model again when
     * loading failed) and waits, bounded, until the context is back in service.
     */
    public void rebuild(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        drain(timeoutNanos);
        lock.lock();
        try {
            if (state == ContextState.STOPPED) {
                throw Errors.unavailable("the resource adapter is stopping", null);
            }
            if (state == ContextState.DRAINING || state == ContextState.FAILED) {
                state = ContextState.FAILED;
                failure = failure == null ? "rebuild requested by an administrator" : failure;
                rebuildPending = true;
                if (!busy) {
                    busy = true;
                    state = ContextState.REBUILDING;
                    boolean reload = model == null;
                    background.run("rebuild " + id, () -> loadOrRebuild(reload));
                }
            }
            while (state != ContextState.READY) {
                if (state == ContextState.FAILED && !rebuildPending) {
                    throw new InferenceException(Code.DEVICE_FAILED, id + ": " + failure, null, null);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || state == ContextState.STOPPED) {
                    throw new InferenceException(Code.TIMEOUT, id + " is not back in service yet (" + state + ")",
                            5, null);
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errors.unavailable("interrupted while rebuilding " + id, null);
        } finally {
            lock.unlock();
        }
    }

    /** Retry hint of requests turned away while the adapter stops: a restart takes a few seconds. */
    static final int CLOSING_RETRY_SECONDS = 5;

    /**
     * The first step of stopping the adapter: new requests are turned away (UNAVAILABLE, with a
     * retry hint and the reason), while the running request and those already queued go on and
     * finish. {@link #awaitIdle} waits for them; {@link #stop} ends what is left.
     */
    public void close(String reason) {
        lock.lock();
        try {
            if (closing == null) {
                closing = reason;
                RaLog.info(RaLog.CONTEXT_CLOSING, id + " takes no new work (" + reason + "): " + queue.size()
                        + " queued, " + (busy && state == ContextState.READY ? "1" : "0") + " running finish first");
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the running and queued requests are done, at most until deadlineNanos
     * (System.nanoTime()). A context that is loading or being rebuilt has no request running,
     * and requests queued behind a load are not waited for (stop() turns them away).
     *
     * @return true when nothing is left to wait for
     */
    public boolean awaitIdle(long deadlineNanos) {
        lock.lock();
        try {
            while (servingWork()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Guarded by lock: a request runs on the model or waits for a model that is in service. */
    private boolean servingWork() {
        boolean inService = state == ContextState.READY || state == ContextState.DRAINING;
        return inService && (busy || !queue.isEmpty());
    }

    /**
     * Takes the context out of service for good: waiting requests fail, the running one is
     * cancelled, and the model is closed once it is free (or after the grace period, by force).
     */
    public void stop(long graceNanos) {
        Glm4vModel toClose = null;
        lock.lock();
        try {
            state = ContextState.STOPPED;
            if (running != null) {
                running.cancel();
            }
            changed.signalAll();
            long left = graceNanos;
            while (busy && left > 0) {
                left = changed.awaitNanos(left);
            }
            if (busy) {
                RaLog.warn(RaLog.STOP_BOUND_EXCEEDED, id + " was still busy after "
                        + TimeUnit.NANOSECONDS.toMillis(graceNanos) + " ms; closing its cards anyway");
            }
            toClose = model;
            model = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            toClose = model;
            model = null;
        } finally {
            lock.unlock();
        }
        if (toClose != null) {
            toClose.close();              // stops the card threads, then unmaps the weights
        }
        if (toClose != null || !isBusy()) {
            CardClaims.release(options.devices(), this);    // else the load still running releases them when it ends
        }
    }

    private boolean isBusy() {
        return locked(() -> busy);
    }

    // ------------------------------------------------------------------ load and state

    private <T> T locked(java.util.function.Supplier<T> read) {
        lock.lock();
        try {
            return read.get();
        } finally {
            lock.unlock();
        }
    }

    public ContextState state() {
        return locked(() -> state);
    }

    /** Requests running (0 or 1) plus waiting: what "least loaded" compares. */
    public int load() {
        return locked(() -> (busy && state == ContextState.READY ? 1 : 0) + queue.size());
    }

    public boolean inService() {
        return state() == ContextState.READY;
    }

    /** Whether requests may wait for it: in service, or coming back (loading, rebuild scheduled). */
    public boolean willServe() {
        return locked(() -> state == ContextState.READY || state == ContextState.LOADING
                || state == ContextState.REBUILDING || (state == ContextState.FAILED && rebuildPending));
    }

    /** Bumped whenever the device group is replaced: KV caches of an older generation are void. */
    public long generation() {
        return locked(() -> generation);
    }

    /** The loaded model, or null; for what does not run on the cards (config, tokenizer, truncating a cache). */
    public Glm4vModel modelIfLoaded() {
        return locked(() -> model);
    }

    public String failure() {
        return locked(() -> failure);
    }

    public void addLease(int delta) {
        locked(() -> leases += delta);
    }

    public int leases() {
        return locked(() -> leases);
    }

    public ContextInfo info(int sessions) {
        lock.lock();
        try {
            return new ContextInfo(id, options.devices(), state.name(), busy && state != ContextState.LOADING
                    && state != ContextState.REBUILDING ? 1 : 0, queue.size(), sessions, served, failure);
        } finally {
            lock.unlock();
        }
    }

    public long[] weightBytesPerCard() {
        Glm4vModel m = modelIfLoaded();
        return m == null ? new long[options.tp()] : m.weightBytesPerCard();
    }

    // ------------------------------------------------------------------ metrics

    /** The device group of the loaded model, or null (guarded by lock). */
    private DeviceGroup group() {
        return model == null ? null : model.group();
    }

    /**
     * This context's figures for /metrics. Counters include every device group the context has
     * had, so they never go down when a rebuild replaces the group.
     *
     * @param kvBytes KV cache its sessions hold now (all cards)
     */
    public MetricsSnapshot.ContextMetrics metrics(int sessions, long kvBytes) {
        lock.lock();
        try {
            long copies = counters.contiguousCopies(group());
            int active = busy && state != ContextState.LOADING && state != ContextState.REBUILDING ? 1 : 0;
            return new MetricsSnapshot.ContextMetrics(id, state.name(), active, queue.size(), sessions, served,
                    rebuilds, cardFailures, copies, kvBytes);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Per card: weights, KV cache (the sessions' bytes split evenly: every rank holds the same
     * number of KV groups), busy time and ops over every device group the context has had.
     */
    public List<MetricsSnapshot.CardMetrics> cardMetrics(long kvBytes) {
        lock.lock();
        try {
            DeviceGroup g = group();
            long[] weights = model == null ? new long[options.tp()] : model.weightBytesPerCard();
            List<String> ids = options.devices();
            List<MetricsSnapshot.CardMetrics> out = new ArrayList<>(ids.size());
            for (int r = 0; r < ids.size(); r++) {
                out.add(new MetricsSnapshot.CardMetrics(ids.get(r), id, r < weights.length ? weights[r] : 0,
                        kvBytes / ids.size(), counters.busyNanos(g, r), counters.opsRun(g, r)));
            }
            return out;
        } finally {
            lock.unlock();
        }
    }
}
