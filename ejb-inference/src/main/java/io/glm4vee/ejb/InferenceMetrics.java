package io.glm4vee.ejb;

import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.InferenceException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Counters the control layer keeps besides the timers on {@link InferenceService}'s methods:
 * tokens answered and failures by stable code (the same codes the REST layer reports).
 * Without a registry (unit tests) every method does nothing.
 */
@ApplicationScoped
public class InferenceMetrics {

    static final String PROMPT_TOKENS = "glm4v.tokens.prompt";
    static final String COMPLETION_TOKENS = "glm4v.tokens.completion";
    static final String FAILURES = "glm4v.inference.failures";

    @Inject
    MetricRegistry registry;

    void answered(ChatResponse response) {
        if (registry == null || response == null) {
            return;
        }
        registry.counter(PROMPT_TOKENS).inc(Math.max(0, response.promptTokens()));
        registry.counter(COMPLETION_TOKENS).inc(Math.max(0, response.completionTokens()));
    }

    void failed(InferenceException e) {
        if (registry == null) {
            return;
        }
        registry.counter(FAILURES, new Tag("code", e.code().name())).inc();
    }
}
