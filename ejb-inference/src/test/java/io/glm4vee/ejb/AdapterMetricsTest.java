package io.glm4vee.ejb;

import io.glm4vee.ra.api.MetricsSnapshot;
import io.glm4vee.ra.api.MetricsSnapshot.CardMetrics;
import io.glm4vee.ra.api.MetricsSnapshot.ContextMetrics;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The adapter's figures become one gauge per context and card, read from the latest snapshot. */
class AdapterMetricsTest {

    private final FakeMetricRegistry fake = new FakeMetricRegistry();
    private final FakeConnectionFactory factory = new FakeConnectionFactory();
    private final AdapterMetrics bean = new AdapterMetrics();

    AdapterMetricsTest() {
        bean.registry = fake.registry;
        bean.factory = factory;
    }

    private static MetricsSnapshot snapshot(String state, int queued, long served, long busyNanos, long kv) {
        return new MetricsSnapshot(
                List.of(new ContextMetrics("ctx-0", state, 1, queued, 1, served, 2, 1, 3, kv)),
                List.of(new CardMetrics("cpu:0", "ctx-0", 1000, kv / 2, busyNanos, 7),
                        new CardMetrics("cpu:1", "ctx-0", 1000, kv / 2, busyNanos * 2, 7)));
    }

    @Test
    void everyContextAndCardGetsItsGauges() throws Exception {
        factory.metrics = snapshot("LOADING", 0, 0, 0, 0);
        assertTrue(bean.tryRegister());
        Tag ctx = new Tag("context", "ctx-0");
        Tag card1 = new Tag("card", "cpu:1");

        assertEquals(1.0, fake.gauge(AdapterGauges.CONTEXT_STATE, ctx, new Tag("state", "LOADING")));
        assertEquals(0.0, fake.gauge(AdapterGauges.CONTEXT_STATE, ctx, new Tag("state", "READY")));
        assertEquals(0.0, fake.gauge(AdapterGauges.CARD_BUSY_TIME, card1, ctx));

        factory.metrics = snapshot("READY", 3, 5, 2_000_000_000L, 4096);
        Thread.sleep(AdapterMetrics.TTL_MILLIS + 50);               // past the snapshot's lifetime
        assertEquals(1.0, fake.gauge(AdapterGauges.CONTEXT_STATE, ctx, new Tag("state", "READY")));
        assertEquals(0.0, fake.gauge(AdapterGauges.CONTEXT_STATE, ctx, new Tag("state", "LOADING")));
        assertEquals(3.0, fake.gauge(AdapterGauges.CONTEXT_QUEUE_DEPTH, ctx));
        assertEquals(5.0, fake.gauge(AdapterGauges.CONTEXT_SERVED, ctx));
        assertEquals(2.0, fake.gauge(AdapterGauges.CONTEXT_REBUILDS, ctx));
        assertEquals(1.0, fake.gauge(AdapterGauges.CONTEXT_CARD_FAILURES, ctx));
        assertEquals(3.0, fake.gauge(AdapterGauges.CONTEXT_CONTIGUOUS_COPIES, ctx));
        assertEquals(4096.0, fake.gauge(AdapterGauges.CONTEXT_KV_CACHE, ctx));
        assertEquals(4.0, fake.gauge(AdapterGauges.CARD_BUSY_TIME, card1, ctx), "seconds");
        assertEquals(3048.0, fake.gauge(AdapterGauges.CARD_MEMORY_USED, card1, ctx), "weights + KV");
        assertEquals(2048.0, fake.gauge(AdapterGauges.CARD_MEMORY_KV_CACHE, card1, ctx));
        assertEquals(7.0, fake.gauge(AdapterGauges.CARD_OPS, card1, ctx));
        assertEquals(MetricUnits.SECONDS, fake.metadata(AdapterGauges.CARD_BUSY_TIME, card1, ctx).unit().orElseThrow());
        assertEquals(MetricUnits.BYTES, fake.metadata(AdapterGauges.CARD_MEMORY_USED, card1, ctx).unit().orElseThrow());
        assertFalse(fake.metadata(AdapterGauges.CONTEXT_CONTIGUOUS_COPIES, ctx).description().orElse("").isBlank());
    }

    @Test
    void oneScrapeAsksTheAdapterOnce() {
        factory.metrics = snapshot("READY", 0, 0, 0, 0);
        assertTrue(bean.tryRegister());
        int before = factory.metricsCalls;
        for (String name : List.of(AdapterGauges.CONTEXT_SERVED, AdapterGauges.CONTEXT_QUEUE_DEPTH,
                AdapterGauges.CONTEXT_ACTIVE, AdapterGauges.CONTEXT_SESSIONS)) {
            fake.gauge(name, new Tag("context", "ctx-0"));
        }
        assertTrue(factory.metricsCalls - before <= 1, "one adapter call within the snapshot's lifetime");
    }

    @Test
    void anAdapterThatCannotBeAskedRegistersNothingYetAndGaugesReadNaNLater() {
        factory.failMetrics = true;
        assertFalse(bean.tryRegister());
        assertTrue(fake.entries.isEmpty());
        factory.failMetrics = false;
        factory.metrics = snapshot("READY", 0, 1, 0, 0);
        assertTrue(bean.tryRegister());
        factory.failMetrics = true;
        try {
            Thread.sleep(AdapterMetrics.TTL_MILLIS + 50);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        assertTrue(fake.gauge(AdapterGauges.CONTEXT_SERVED, new Tag("context", "ctx-0")).isNaN(),
                "unknown, not a stale or made-up value");
    }
}
