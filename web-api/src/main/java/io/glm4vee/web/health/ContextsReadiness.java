package io.glm4vee.web.health;

import io.glm4vee.ejb.InferenceServiceLocal;
import io.glm4vee.ra.api.ContextInfo;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * /health/ready is UP only when at least one device context is READY (model loaded, taking
 * work). Reports the count per state; DOWN with the reason when the service cannot be asked.
 */
@Readiness
@ApplicationScoped
public class ContextsReadiness implements HealthCheck {

    static final String NAME = "glm4v-contexts";

    @EJB
    InferenceServiceLocal service;

    @Override
    public HealthCheckResponse call() {
        List<ContextInfo> contexts;
        try {
            contexts = service.contexts();
        } catch (RuntimeException e) {
            return new HealthCheckResponse(NAME, HealthCheckResponse.Status.DOWN,
                    Optional.of(Map.of("error", String.valueOf(e.getMessage()))));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("contexts", (long) contexts.size());
        for (ContextInfo c : contexts) {
            data.merge(c.state(), 1L, (a, b) -> (Long) a + (Long) b);
        }
        boolean ready = contexts.stream().anyMatch(c -> "READY".equals(c.state()));
        return new HealthCheckResponse(NAME, ready ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN,
                Optional.of(data));
    }
}
