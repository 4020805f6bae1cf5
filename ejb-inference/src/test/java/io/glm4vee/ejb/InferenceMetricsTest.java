package io.glm4vee.ejb;

import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.ChatTimings;
import io.glm4vee.ra.api.InferenceException;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The per-request metrics: tokens, failures by code, queue wait, time to first token, decode rate. */
class InferenceMetricsTest {

    private final FakeMetricRegistry fake = new FakeMetricRegistry();
    private final InferenceMetrics metrics = new InferenceMetrics();

    InferenceMetricsTest() {
        metrics.registry = fake.registry;
    }

    @Test
    void anAnswerCountsItsTokensAndTimesItsPhases() {
        // 5 tokens: the first after 30 ms (10 ms of it queued), the other 4 in 40 ms: 100 tokens/s
        ChatTimings t = new ChatTimings(10_000_000, 30_000_000, 15_000_000, 40_000_000);
        metrics.answered(new ChatResponse("A red circle.", "stop", 14, 5, null, "ctx-0", t));

        assertEquals(14, fake.count(InferenceMetrics.PROMPT_TOKENS));
        assertEquals(5, fake.count(InferenceMetrics.COMPLETION_TOKENS));
        assertEquals(1, fake.count(InferenceMetrics.QUEUE_WAIT));
        assertEquals(10_000_000, fake.totalNanos(InferenceMetrics.QUEUE_WAIT));
        assertEquals(30_000_000, fake.totalNanos(InferenceMetrics.TIME_TO_FIRST_TOKEN));
        assertEquals(10_000_000, fake.totalNanos(InferenceMetrics.TIME_PER_OUTPUT_TOKEN));
        assertEquals(100.0, fake.gauge(InferenceMetrics.DECODE_RATE), 1e-9);
        assertEquals(MetricUnits.SECONDS, fake.metadata(InferenceMetrics.TIME_TO_FIRST_TOKEN).unit().orElseThrow());
        // the rate's name carries its unit; a unit in the metadata makes Payara append "_per_second" again
        assertTrue(fake.metadata(InferenceMetrics.DECODE_RATE).unit().filter(u -> !u.equals(MetricUnits.NONE)).isEmpty());

        // the rate is a moving average: a second request at 50 tokens/s moves it by a fifth of the gap
        metrics.answered(new ChatResponse("Blue.", "stop", 10, 3, null, "ctx-0",
                new ChatTimings(0, 20_000_000, 10_000_000, 40_000_000)));
        assertEquals(90.0, fake.gauge(InferenceMetrics.DECODE_RATE), 1e-9);
        assertEquals(24, fake.count(InferenceMetrics.PROMPT_TOKENS));
        assertEquals(2, fake.count(InferenceMetrics.TIME_TO_FIRST_TOKEN));
    }

    @Test
    void anAnswerWithoutTimingsOrWithOneTokenCountsOnlyWhatItHas() {
        metrics.answered(new ChatResponse("Hi", "length", 3, 1, null, null));
        assertEquals(3, fake.count(InferenceMetrics.PROMPT_TOKENS));
        assertEquals(0, fake.count(InferenceMetrics.QUEUE_WAIT));
        metrics.answered(new ChatResponse("Hi", "length", 3, 1, null, null, new ChatTimings(1, 2, 1, 0)));
        assertEquals(1, fake.count(InferenceMetrics.QUEUE_WAIT));
        assertEquals(0, fake.count(InferenceMetrics.TIME_PER_OUTPUT_TOKEN), "no decode step after a single token");
        assertNull(fake.gauge(InferenceMetrics.DECODE_RATE));
    }

    @Test
    void failuresAreCountedByCode() {
        metrics.failed(new InferenceException(InferenceException.Code.OVERLOADED, "full"));
        metrics.failed(new InferenceException(InferenceException.Code.OVERLOADED, "full"));
        metrics.failed(new InferenceException(InferenceException.Code.TIMEOUT, "slow"));
        assertEquals(2, fake.count(InferenceMetrics.FAILURES, new Tag("code", "OVERLOADED")));
        assertEquals(1, fake.count(InferenceMetrics.FAILURES, new Tag("code", "TIMEOUT")));
    }

    @Test
    void withoutARegistryNothingHappens() {
        InferenceMetrics none = new InferenceMetrics();
        none.answered(new ChatResponse("x", "stop", 1, 1, null, null, new ChatTimings(1, 1, 1, 1)));
        none.failed(new InferenceException(InferenceException.Code.INTERNAL, "bug"));
    }
}
