package io.glm4vee.ra.context;

import io.glm4vee.config.AdapterSettings;
import io.glm4vee.config.ConfigException;
import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.device.DeviceOptions;
import io.glm4vee.engine.device.ExecutionMode;
import io.glm4vee.engine.generate.CancellationToken;
import io.glm4vee.engine.generate.GenerationRequest;
import io.glm4vee.engine.generate.GenerationResult;
import io.glm4vee.engine.generate.Generator;
import io.glm4vee.engine.image.ImageLimits;
import io.glm4vee.engine.model.GenerationDefaults;
import io.glm4vee.engine.model.KvCache;
import io.glm4vee.engine.model.ModelConfig;
import io.glm4vee.engine.model.Sequence;
import io.glm4vee.engine.parallel.TpPlan;
import io.glm4vee.engine.tokenizer.GlmTokenizer;
import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.ChatTimings;
import io.glm4vee.ra.api.ContextInfo;
import io.glm4vee.ra.api.DeviceInfo;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;
import io.glm4vee.ra.api.JobStatus;
import io.glm4vee.ra.api.MetricsSnapshot;
import io.glm4vee.ra.api.TokenStream;
import io.glm4vee.ra.api.UsageReport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Everything a started adapter owns, created by {@link #start} and freed by {@link #stop} in
 * reverse order: the device contexts (each loading on the background runner), the sessions,
 * the usage ledger and the deferred-job executor. The spi classes are thin JCA shells around it.
 */
public final class AdapterRuntime {
    private final AdapterSettings settings;
    private final ModelConfig config;
    private final int maxSequenceLength;
    private final ChatPlanner planner;
    private final ContextPool pool;
    private final SessionStore sessions;
    private final UsageLedger ledger;
    private final DeferredJobs jobs;
    private final AtomicBoolean stopping = new AtomicBoolean();   // new calls are turned away
    private final AtomicBoolean stopped = new AtomicBoolean();    // contexts closed
    private final long started = System.nanoTime();

    private AdapterRuntime(AdapterSettings s, ModelConfig config, GenerationDefaults gen, GlmTokenizer tokenizer,
                           List<DeviceContext> contexts) {
        this.settings = s;
        this.config = config;
        this.maxSequenceLength = s.maxSequenceLength() == 0 ? config.seqLength() : s.maxSequenceLength();
        this.planner = new ChatPlanner(config, gen, tokenizer, new ImageLimits(s.maxImagePixels(), s.maxImageBytes()),
                maxSequenceLength, s.defaultMaxTokens());
        this.pool = new ContextPool(contexts);
        this.sessions = new SessionStore(s.kvCacheBudgetBytes());
        this.ledger = new UsageLedger(s.quotaTokensPerCaller());
        this.jobs = new DeferredJobs((req, cancel) -> chat(req, null, null, null, null, cancel),
                contexts.size(), contexts.size() * Math.max(1, s.queueDepth()));
    }

    /**
     * Checks the settings against the model (config.json, tokenizer, tp split, sequence length,
     * memory), then schedules each context's load on the background runner and returns at once.
     *
     * @throws ConfigException naming the setting, its value and the rule it breaks
     */
    public static AdapterRuntime start(AdapterSettings s, Background background) {
        RaLog.info(RaLog.ADAPTER_STARTING, "starting with " + s.asMap());
        ModelChecks.Checked m = ModelChecks.check(s);
        if (!s.unusedDevices().isEmpty()) {
            RaLog.warn(RaLog.UNUSED_DEVICES, "devices " + s.unusedDevices() + " are listed but no context uses them ("
                    + s.contexts() + " context(s) x tensorParallelSize " + s.tensorParallelSize() + ")");
        }
        ExecutionMode mode = ExecutionMode.resolve(s.launchBlocking(), System.getenv());
        List<DeviceContext> contexts = new ArrayList<>();
        for (int i = 0; i < s.contexts(); i++) {
            DeviceOptions opts = new DeviceOptions(s.devicesOf(i), s.threadsPerCard(), mode,
                    Duration.ofSeconds(s.deviceTimeoutSeconds()), m.faults(), s.backend());
            contexts.add(new DeviceContext(i, m.dir(), opts, s.queueDepth(), m.loadDelayMillis(), background));
        }
        AdapterRuntime rt = new AdapterRuntime(s, m.config(), m.generationDefaults(), m.tokenizer(), contexts);
        long oneSequence = rt.kvBytes(rt.sessionCapacity(), rt.sessionCapacity());
        if (s.kvCacheBudgetBytes() > 0 && s.kvCacheBudgetBytes() < oneSequence) {
            RaLog.warn(RaLog.SMALL_KV_BUDGET, "kvCacheBudgetBytes=" + s.kvCacheBudgetBytes() + " is less than one "
                    + "session of maxSequenceLength=" + rt.maxSequenceLength + " needs (" + oneSequence + " bytes): "
                    + "long sessions will be refused");
        }
        contexts.forEach(DeviceContext::startLoading);
        return rt;
    }

    public AdapterSettings settings() {
        return settings;
    }

    public ContextPool pool() {
        return pool;
    }

    public SessionStore sessions() {
        return sessions;
    }

    public int maxSequenceLength() {
        return maxSequenceLength;
    }

    public boolean isStopped() {
        return stopped.get();
    }

    /** stop() has begun: new calls are turned away while running ones finish (the drain). */
    public boolean isStopping() {
        return stopping.get();
    }

    private void checkRunning() {
        if (stopped.get()) {
            throw Errors.unavailable("the resource adapter is stopped", null);
        }
        if (stopping.get()) {
            throw Errors.unavailable(STOPPING, DeviceContext.CLOSING_RETRY_SECONDS);
        }
    }

    private static final String STOPPING = "the resource adapter is stopping (a server configuration change, a "
            + "redeployment or a shutdown); requests already running finish, new ones are turned away";

    private long deadline() {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(settings.requestTimeoutSeconds());
    }

    // ------------------------------------------------------------------ chat

    /**
     * Runs one request. With uow (a transaction) its effects join uow; without, they commit when
     * the call returns and vanish when it fails.
     *
     * @param leased          the caller's leased context (a preference), or null
     * @param onDeviceFailure told when a card failed under this request (the connection fires
     *                        CONNECTION_ERROR_OCCURRED), or null
     * @param cancel          cancels generation between tokens, or null
     */
    public ChatResponse chat(ChatRequest request, TokenStream stream, UnitOfWork uow, DeviceContext leased,
                             Consumer<InferenceException> onDeviceFailure, CancellationToken cancel) {
        checkRunning();
        long received = System.nanoTime();
        long deadline = deadline();
        ChatPlanner.PlannedChat p = planner.plan(request);
        if (uow != null) {
            uow.checkActive();
        }
        UnitOfWork work = uow != null ? uow : new UnitOfWork("call");
        Turn turn = new Turn(p, stream, cancel == null ? new CancellationToken() : cancel, received, deadline);
        try {
            ChatResponse r = p.session() == null ? turn.runStateless(work, leased) : turn.runInSession(work);
            if (uow == null) {
                work.commit();
            }
            return r;
        } catch (RuntimeException e) {
            if (uow == null) {
                work.rollback();
            }
            if (turn.deviceFailure != null && onDeviceFailure != null) {
                onDeviceFailure.accept(turn.deviceFailure);     // after the context and session are released
            }
            throw e;
        }
    }

    /** One request on its way through planning, quota, the context queue and the generator. */
    private final class Turn {
        private final ChatPlanner.PlannedChat p;
        private final TokenStream stream;
        private final CancellationToken cancel;
        private final long received;       // System.nanoTime() when the adapter took the call
        private final long deadline;
        private InferenceException deviceFailure;
        private long queueNanos;
        private long firstTokenAt;

        Turn(ChatPlanner.PlannedChat p, TokenStream stream, CancellationToken cancel, long received, long deadline) {
            this.p = p;
            this.stream = stream;
            this.cancel = cancel;
            this.received = received;
            this.deadline = deadline;
        }

        /** Waits for the context (FIFO queue, load, rebuild), timing the wait. */
        private DeviceContext.Slot acquire(DeviceContext ctx) {
            long t0 = System.nanoTime();
            DeviceContext.Slot slot = ctx.acquire(deadline, cancel);
            queueNanos = System.nanoTime() - t0;
            return slot;
        }

        private ChatResponse response(GenerationResult g, String session, DeviceContext ctx) {
            ChatTimings t = new ChatTimings(queueNanos, firstTokenAt == 0 ? 0 : firstTokenAt - received,
                    g.prefillNanos(), g.decodeNanos());
            return new ChatResponse(g.text(), g.finishReason().wireName(), g.promptTokens(), g.completionTokens(),
                    session, ctx.id(), t);
        }

        ChatResponse runStateless(UnitOfWork work, DeviceContext leased) {
            int[] ids = planner.promptIds(p.messages());
            int maxNew = planner.maxNewTokens(ids.length, p.maxTokens(), "the prompt");
            DeviceContext ctx = pool.select(leased);
            UsageLedger.Reservation res = ledger.reserve(p.caller(), (long) ids.length + maxNew);
            try {
                GenerationResult g;
                try (DeviceContext.Slot slot = acquire(ctx)) {
                    g = generate(slot, ids, p.pixels(), maxNew, null);
                }
                res.settle((long) g.promptTokens() + g.completionTokens());
                work.addUsage(res);
                return response(g, null, ctx);
            } catch (RuntimeException e) {
                res.release();
                throw e;
            }
        }

        ChatResponse runInSession(UnitOfWork work) {
            ChatSession s = sessions.get(p.session(), p.caller());
            DeviceContext ctx = s.context();
            ChatSession.TurnState ts = s.beginTurn(work, deadline);
            Sequence used = null;
            int[] before = null;
            long generation = -1;
            UsageLedger.Reservation res = null;
            try {
                if (p.pixels() != null && ts.pixels() != null) {
                    throw Errors.bad("session " + s.id() + " already has an image; glm-4v takes one image per "
                            + "conversation (open a new session for another picture)");
                }
                if (p.pixels() != null && ts.messages().stream().anyMatch(ChatMessage::image)) {
                    throw Errors.bad("session " + s.id() + " already has an image message");
                }
                List<ChatMessage> conversation = new ArrayList<>(ts.messages());
                conversation.addAll(p.messages());
                float[] pixels = p.pixels() != null ? p.pixels() : ts.pixels();
                int[] ids = planner.promptIds(conversation);
                int maxNew = planner.maxNewTokens(ids.length, p.maxTokens(), "session " + s.id() + " (history plus "
                        + "this turn)");
                int rows = ids.length + (pixels != null ? config.vision().imageTokens() - 1 : 0);
                sessions.reserveKv(s, kvBytes(rows + maxNew, sessionCapacity()));
                res = ledger.reserve(p.caller(), (long) ids.length + maxNew);
                GenerationResult g;
                try (DeviceContext.Slot slot = acquire(ctx)) {
                    generation = slot.generation();
                    Sequence seq = ts.sequence() != null && ts.generation() == generation ? ts.sequence() : null;
                    before = seq == null ? null : seq.consumedIds();
                    used = seq != null ? seq : slot.model().newSequence(sessionCapacity());
                    g = generate(slot, ids, pixels, maxNew, used);
                }
                res.settle((long) g.promptTokens() + g.completionTokens());
                work.addUsage(res);
                List<ChatMessage> added = new ArrayList<>(p.messages());
                added.add(new ChatMessage("assistant", g.text()));
                s.turnSucceeded(used, generation, added, p.pixels());
                return response(g, s.id(), ctx);
            } catch (RuntimeException e) {
                if (res != null) {
                    res.release();
                }
                s.turnFailed(before, used, generation, deviceFailure != null);
                throw e;
            }
        }

        private GenerationResult generate(DeviceContext.Slot slot, int[] ids, float[] pixels, int maxNew,
                                          Sequence session) {
            StreamGuard guard = new StreamGuard(stream, cancel, deadline);
            GenerationResult g;
            try {
                GenerationRequest gr = new GenerationRequest(ids, pixels, p.sampling(), maxNew, null, p.stop());
                g = new Generator(slot.model()).generate(gr, guard, cancel, session);
            } catch (EngineException e) {
                InferenceException ie = Errors.fromEngine(e);
                if (Errors.isDeviceFailure(e)) {
                    slot.context().markFailed(e.getMessage());
                    ie = new InferenceException(ie.code(), slot.context().id() + " failed and is being rebuilt: "
                            + e.getMessage(), 5, e);
                    deviceFailure = ie;
                }
                throw ie;
            }
            firstTokenAt = guard.firstTokenAt();
            guard.rethrow();
            if (guard.timedOut()) {
                throw new InferenceException(Code.TIMEOUT, "the request passed requestTimeoutSeconds="
                        + settings.requestTimeoutSeconds() + " after " + g.completionTokens() + " generated tokens",
                        null, null);
            }
            if (stopped.get() && g.finishReason() == io.glm4vee.engine.generate.FinishReason.CANCELLED) {
                throw Errors.unavailable("the request was cancelled: the resource adapter is stopping", null);
            }
            return g;
        }
    }

    /** KV rows a session may grow to: maxSequenceLength ids, the image placeholder expanded. */
    int sessionCapacity() {
        return maxSequenceLength + (config.vision() == null ? 0 : config.vision().imageTokens());
    }

    /** Bytes all cards of a context allocate for rows cached rows (storage doubles from 64 rows up to capacity). */
    long kvBytes(int rows, int capacity) {
        long alloc = Math.min(capacity, 64);
        while (alloc < rows) {
            alloc = Math.min(capacity, Math.max(rows, alloc * 2));
        }
        int tp = settings.tensorParallelSize();
        int groups = TpPlan.of(config, tp, 0).localGroups();
        return tp * KvCache.bytesFor(config.numLayers(), groups, config.headDim(), alloc);
    }

    // ------------------------------------------------------------------ sessions, jobs, usage

    public String openSession(String caller, DeviceContext leased) {
        checkRunning();
        String who = caller == null || caller.isBlank() ? ChatPlanner.ANONYMOUS : caller;
        DeviceContext ctx = leased != null && leased.willServe() ? leased : pool.select(null);
        return sessions.open(who, ctx).id();
    }

    public void closeSession(String id, UnitOfWork uow) {
        checkRunning();
        sessions.close(id, uow, deadline());
    }

    public List<ChatMessage> sessionHistory(String id) {
        checkRunning();
        return sessions.get(id, null).history();
    }

    /** Checks the request now (bad input fails the call, not the job later), then registers it. */
    public JobStatus submit(ChatRequest request, UnitOfWork uow) {
        checkRunning();
        planner.plan(request);
        if (uow != null) {
            uow.checkActive();
        }
        return jobs.submit(request, uow).status();
    }

    public JobStatus job(String id) {
        checkRunning();
        return jobs.status(id);
    }

    public UsageReport usage(String caller) {
        return ledger.report(caller == null || caller.isBlank() ? ChatPlanner.ANONYMOUS : caller);
    }

    // ------------------------------------------------------------------ admin views

    public List<DeviceInfo> devices() {
        List<DeviceInfo> out = new ArrayList<>();
        for (DeviceContext c : pool.all()) {
            long[] bytes = c.weightBytesPerCard();
            String state = c.state().name();
            for (int r = 0; r < c.devices().size(); r++) {
                out.add(new DeviceInfo(c.devices().get(r), c.id(), bytes[r], state));
            }
        }
        for (String unused : settings.unusedDevices()) {
            out.add(new DeviceInfo(unused, null, 0, "UNUSED"));
        }
        return out;
    }

    public List<ContextInfo> contexts() {
        return pool.all().stream().map(c -> c.info(sessions.count(c))).toList();
    }

    /** Every context's and card's figures for /metrics (answers while loading and after stop too). */
    public MetricsSnapshot metrics() {
        List<MetricsSnapshot.ContextMetrics> ctxs = new ArrayList<>();
        List<MetricsSnapshot.CardMetrics> cards = new ArrayList<>();
        for (DeviceContext c : pool.all()) {
            long kv = sessions.kvBytes(c);
            ctxs.add(c.metrics(sessions.count(c), kv));
            cards.addAll(c.cardMetrics(kv));
        }
        return new MetricsSnapshot(ctxs, cards);
    }

    public void drain(String contextId) {
        checkRunning();
        pool.byId(contextId).drain(TimeUnit.SECONDS.toNanos(settings.requestTimeoutSeconds()));
    }

    public void rebuild(String contextId) {
        checkRunning();
        pool.byId(contextId).rebuild(TimeUnit.SECONDS.toNanos(settings.requestTimeoutSeconds()
                + settings.deviceTimeoutSeconds()));
    }

    // ------------------------------------------------------------------ stop

    /**
     * Stops in two steps. First it drains: new calls are turned away at once (UNAVAILABLE with a
     * retry hint), deferred jobs are cancelled, and the requests already running or queued on a
     * context in service finish, for at most min(requestTimeoutSeconds, 30 s). Then it frees
     * everything in reverse order of creation: sessions, then each context, last first (a request
     * still running after the drain is cancelled between tokens; cards and weight mappings are
     * freed). Every wait is bounded. Idempotent.
     */
    public void stop() {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        long graceMillis = Math.min(TimeUnit.SECONDS.toMillis(settings.requestTimeoutSeconds()), 30_000);
        List<DeviceContext> all = pool.all();
        all.forEach(c -> c.close(STOPPING));
        long drainStart = System.nanoTime();
        jobs.stop(graceMillis);
        long deadline = drainStart + TimeUnit.MILLISECONDS.toNanos(graceMillis);
        boolean drained = true;
        for (DeviceContext c : all) {
            drained &= c.awaitIdle(deadline);
        }
        if (!drained) {
            RaLog.warn(RaLog.DRAIN_BOUND_EXCEEDED, "requests still running after the drain bound of " + graceMillis
                    + " ms are cancelled");
        }
        long drainMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainStart);
        stopped.set(true);
        sessions.clear();
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).stop(TimeUnit.MILLISECONDS.toNanos(graceMillis));
        }
        RaLog.info(RaLog.ADAPTER_STOPPED, String.format("stopped after %.1f s (drained in %d ms); %d context(s) closed",
                (System.nanoTime() - started) / 1e9, drainMillis, all.size()));
    }
}
