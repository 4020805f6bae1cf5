package io.glm4vee.ejb;

import io.glm4vee.ra.api.MetricsSnapshot;
import io.glm4vee.ra.api.MetricsSnapshot.CardMetrics;
import io.glm4vee.ra.api.MetricsSnapshot.ContextMetrics;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The resource adapter's figures as MicroProfile gauges, one per context (tag context) and per card
 * (tags card, context). Each gauge reads the latest {@link MetricsSnapshot} from a source that
 * caches it briefly, so one scrape costs one adapter call. Figures the adapter counts (served,
 * rebuilds, card failures, contiguity copies, busy time, ops) only grow: read them with rate().
 * Names and units: README.md, "Metrics".
 */
final class AdapterGauges {

    static final String CONTEXT_STATE = "glm4v.context.state";
    static final String CONTEXT_ACTIVE = "glm4v.context.active";
    static final String CONTEXT_QUEUE_DEPTH = "glm4v.context.queue.depth";
    static final String CONTEXT_SESSIONS = "glm4v.context.sessions";
    static final String CONTEXT_SERVED = "glm4v.context.served";
    static final String CONTEXT_REBUILDS = "glm4v.context.rebuilds";
    static final String CONTEXT_CARD_FAILURES = "glm4v.context.card.failures";
    static final String CONTEXT_CONTIGUOUS_COPIES = "glm4v.context.contiguous.copies";
    static final String CONTEXT_KV_CACHE = "glm4v.context.kv.cache";
    static final String CARD_MEMORY_USED = "glm4v.card.memory.used";
    static final String CARD_MEMORY_WEIGHTS = "glm4v.card.memory.weights";
    static final String CARD_MEMORY_KV_CACHE = "glm4v.card.memory.kv.cache";
    static final String CARD_BUSY_TIME = "glm4v.card.busy.time";
    static final String CARD_OPS = "glm4v.card.ops";

    /** Every state a context reports (ContextState of the adapter). */
    static final List<String> STATES = List.of("LOADING", "READY", "DRAINING", "FAILED", "REBUILDING", "STOPPED");

    private final MetricRegistry registry;
    private final Supplier<MetricsSnapshot> source;

    AdapterGauges(MetricRegistry registry, Supplier<MetricsSnapshot> source) {
        this.registry = registry;
        this.source = source;
    }

    /** Registers the gauges of every context and card the snapshot lists (again is harmless). */
    void register(MetricsSnapshot contextsAndCards) {
        for (ContextMetrics c : contextsAndCards.contexts()) {
            String id = c.id();
            Tag ctx = new Tag("context", id);
            for (String state : STATES) {
                gauge(meta(CONTEXT_STATE, "1 for the state the device context is in, 0 for the others", MetricUnits.NONE),
                        s -> state.equals(context(s, id, ContextMetrics::state)) ? 1 : 0, ctx, new Tag("state", state));
            }
            contextGauge(CONTEXT_ACTIVE, "requests running on the context (0 or 1)", MetricUnits.NONE, id,
                    ContextMetrics::active);
            contextGauge(CONTEXT_QUEUE_DEPTH, "requests waiting for the context", MetricUnits.NONE, id,
                    ContextMetrics::queued);
            contextGauge(CONTEXT_SESSIONS, "open chat sessions the context holds", MetricUnits.NONE, id,
                    ContextMetrics::sessions);
            contextGauge(CONTEXT_SERVED, "requests the context has run (monotonic)", MetricUnits.NONE, id,
                    ContextMetrics::served);
            contextGauge(CONTEXT_REBUILDS, "rebuilds that brought the context back into service (monotonic)",
                    MetricUnits.NONE, id, ContextMetrics::rebuilds);
            contextGauge(CONTEXT_CARD_FAILURES, "card failures that took the context out of service (monotonic)",
                    MetricUnits.NONE, id, ContextMetrics::cardFailures);
            contextGauge(CONTEXT_CONTIGUOUS_COPIES, "activations the fused matmul + all-reduce copied to a contiguous "
                    + "buffer first (monotonic)", MetricUnits.NONE, id, ContextMetrics::contiguousCopies);
            contextGauge(CONTEXT_KV_CACHE, "KV cache its chat sessions hold, all cards", MetricUnits.BYTES, id,
                    ContextMetrics::kvBytes);
        }
        for (CardMetrics k : contextsAndCards.cards()) {
            cardGauge(CARD_MEMORY_USED, "memory in use on the card: weights plus KV cache", MetricUnits.BYTES, k,
                    CardMetrics::memoryBytes);
            cardGauge(CARD_MEMORY_WEIGHTS, "weight slices the card holds", MetricUnits.BYTES, k,
                    CardMetrics::weightBytes);
            cardGauge(CARD_MEMORY_KV_CACHE, "KV cache of chat sessions the card holds", MetricUnits.BYTES, k,
                    CardMetrics::kvBytes);
            cardGauge(CARD_BUSY_TIME, "time the card spent running ops (monotonic)", MetricUnits.SECONDS, k,
                    m -> m.busyNanos() / 1e9);
            cardGauge(CARD_OPS, "ops the card ran (monotonic)", MetricUnits.NONE, k, CardMetrics::opsRun);
        }
    }

    private static Metadata meta(String name, String description, String unit) {
        return Metadata.builder().withName(name).withDescription(description).withUnit(unit).build();
    }

    private void gauge(Metadata m, ToDoubleFunction<MetricsSnapshot> value, Tag... tags) {
        registry.gauge(m, source, s -> value.applyAsDouble(s.get()), tags);
    }

    private void contextGauge(String name, String description, String unit, String id,
                              ToDoubleFunction<ContextMetrics> value) {
        gauge(meta(name, description, unit), s -> s.contexts().stream().filter(c -> c.id().equals(id)).findFirst()
                .map(value::applyAsDouble).orElse(Double.NaN), new Tag("context", id));
    }

    private void cardGauge(String name, String description, String unit, CardMetrics card,
                           ToDoubleFunction<CardMetrics> value) {
        String id = card.id();
        gauge(meta(name, description, unit), s -> s.cards().stream().filter(k -> k.id().equals(id)).findFirst()
                .map(value::applyAsDouble).orElse(Double.NaN), new Tag("card", id), new Tag("context", card.context()));
    }

    private static <T> T context(MetricsSnapshot s, String id, java.util.function.Function<ContextMetrics, T> f) {
        return s.contexts().stream().filter(c -> c.id().equals(id)).findFirst().map(f).orElse(null);
    }
}
