package io.glm4vee.web.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * /health/live: UP while the application runs. Deliberately not tied to the device contexts: a
 * context that is loading, failed or being rebuilt is a readiness matter (the server must not be
 * restarted for it), see {@link ContextsReadiness}.
 */
@Liveness
@ApplicationScoped
public class ApplicationLiveness implements HealthCheck {

    static final String NAME = "glm4v-live";

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.up(NAME);
    }
}
