package io.glm4vee.web;

import io.glm4vee.config.ApiSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import java.util.logging.Logger;

/**
 * Reads {@link ApiSettings} from MicroProfile Config once (glm4v.* keys from system
 * properties, environment variables such as GLM4V_LIMITS_MAX_BODY_BYTES, and the WAR's
 * META-INF/microprofile-config.properties) and validates them when the application starts: a
 * bad value stops the deployment with a message naming key, value and rule.
 */
@ApplicationScoped
public class ApiConfig {

    private static final Logger LOG = Logger.getLogger(ApiConfig.class.getName());

    @Inject
    Config config;

    private volatile ApiSettings settings;

    void validateAtStartup(@Observes @Initialized(ApplicationScoped.class) Object started) {
        LOG.info(() -> "GLM4V-WEB-001 REST API limits: " + settings());
    }

    @Produces
    @Dependent
    public ApiSettings settings() {
        ApiSettings s = settings;
        if (s == null) {
            s = ApiSettings.from(key -> config.getOptionalValue(key, String.class));
            settings = s;
        }
        return s;
    }
}
