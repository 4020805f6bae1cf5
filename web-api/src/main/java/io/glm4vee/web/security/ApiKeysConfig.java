package io.glm4vee.web.security;

import io.glm4vee.config.ApiKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import java.util.logging.Logger;

/**
 * The API keys from MicroProfile Config ({@value ApiKeys#KEY}, environment variable
 * GLM4V_SECURITY_API_KEYS), read and checked once when the application starts: a bad entry
 * stops the deployment with a message naming it (never the key).
 */
@ApplicationScoped
public class ApiKeysConfig {

    private static final Logger LOG = Logger.getLogger(ApiKeysConfig.class.getName());

    @Inject
    Config config;

    volatile ApiKeys keys;            // read once (package-private for tests)

    void validateAtStartup(@Observes @Initialized(ApplicationScoped.class) Object started) {
        ApiKeys k = keys();
        LOG.info(() -> "GLM4V-WEB-010 REST API security: " + (k.isEmpty()
                ? "no API keys configured, the API is open (every caller is inference-user)"
                : k + "; requests without a valid key get 401"));
    }

    public ApiKeys keys() {
        ApiKeys k = keys;
        if (k == null) {
            k = ApiKeys.parse(config == null ? null : config.getOptionalValue(ApiKeys.KEY, String.class).orElse(null));
            keys = k;
        }
        return k;
    }
}
