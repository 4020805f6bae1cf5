package io.glm4vee.ejb;

import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.ChatTimings;
import io.glm4vee.ra.api.InferenceException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

import java.time.Duration;

/**
 * Per-request metrics the control layer keeps besides the timers on {@link InferenceService}'s
 * methods: tokens answered, failures by stable code (the same codes the REST layer reports), and
 * from each answer's timings the queue wait, the time to first token, the time per output token
 * and the decode rate. Names and units: README.md, "Metrics". Without a registry (unit tests)
 * every method does nothing.
 */
@ApplicationScoped
public class InferenceMetrics {

    static final String PROMPT_TOKENS = "glm4v.tokens.prompt";
    static final String COMPLETION_TOKENS = "glm4v.tokens.completion";
    static final String FAILURES = "glm4v.inference.failures";
    static final String QUEUE_WAIT = "glm4v.inference.queue.wait";
    static final String TIME_TO_FIRST_TOKEN = "glm4v.inference.time.to.first.token";
    static final String TIME_PER_OUTPUT_TOKEN = "glm4v.inference.time.per.output.token";
    static final String DECODE_RATE = "glm4v.inference.decode.tokens.per.second";

    private static final Metadata PROMPT = Metadata.builder().withName(PROMPT_TOKENS)
            .withDescription("prompt tokens of answered requests (an image counts as one)").build();
    private static final Metadata COMPLETION = Metadata.builder().withName(COMPLETION_TOKENS)
            .withDescription("tokens generated for answered requests").build();
    private static final Metadata FAILED = Metadata.builder().withName(FAILURES)
            .withDescription("failed inference calls by stable code").build();
    private static final Metadata WAIT = Metadata.builder().withName(QUEUE_WAIT)
            .withDescription("time an answered request waited for its device context (queue, load, rebuild)")
            .withUnit(MetricUnits.SECONDS).build();
    private static final Metadata TTFT = Metadata.builder().withName(TIME_TO_FIRST_TOKEN)
            .withDescription("from the adapter taking a request to its first generated token (checks, queue, prefill)")
            .withUnit(MetricUnits.SECONDS).build();
    private static final Metadata TPOT = Metadata.builder().withName(TIME_PER_OUTPUT_TOKEN)
            .withDescription("decode time per generated token after the first").withUnit(MetricUnits.SECONDS).build();
    private static final Metadata RATE = Metadata.builder().withName(DECODE_RATE)
            .withDescription("decode rate after the first token, moving average over recent requests (tokens/s)")
            .build();   // no unit: the name says it, and Payara would append "_per_second" a second time

    @Inject
    MetricRegistry registry;

    private final DecodeRate decodeRate = new DecodeRate();
    private volatile boolean rateRegistered;

    void answered(ChatResponse response) {
        if (registry == null || response == null) {
            return;
        }
        registry.counter(PROMPT).inc(Math.max(0, response.promptTokens()));
        registry.counter(COMPLETION).inc(Math.max(0, response.completionTokens()));
        ChatTimings t = response.timings();
        if (t == null) {
            return;
        }
        registry.timer(WAIT).update(Duration.ofNanos(Math.max(0, t.queueNanos())));
        if (t.timeToFirstTokenNanos() > 0) {
            registry.timer(TTFT).update(Duration.ofNanos(t.timeToFirstTokenNanos()));
        }
        double rate = t.decodeTokensPerSecond(response.completionTokens());
        if (rate > 0) {
            registry.timer(TPOT).update(Duration.ofNanos(t.decodeNanos() / (response.completionTokens() - 1)));
            decodeRate.add(rate);
            if (!rateRegistered) {
                registry.gauge(RATE, decodeRate::value);
                rateRegistered = true;
            }
        }
    }

    void failed(InferenceException e) {
        if (registry == null) {
            return;
        }
        registry.counter(FAILED, new Tag("code", e.code().name())).inc();
    }

    /** An exponentially weighted moving average of per-request decode rates (weight 0.2 for the newest). */
    static final class DecodeRate {
        private double value = Double.NaN;

        synchronized void add(double rate) {
            value = Double.isNaN(value) ? rate : 0.8 * value + 0.2 * rate;
        }

        synchronized Double value() {
            return value;
        }
    }
}
