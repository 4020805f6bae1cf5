package io.glm4vee.web.openai;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

import java.util.logging.Logger;

/**
 * Reads {@link OpenAiSettings} from MicroProfile Config once and validates them when the
 * application starts (a bad value stops the deployment, naming key, value and rule).
 * glm4v.modelPath, the default of the model id, is a server.xml variable, which Liberty
 * offers to MicroProfile Config.
 */
@ApplicationScoped
public class OpenAiConfig {

    private static final Logger LOG = Logger.getLogger(OpenAiConfig.class.getName());

    @Inject
    Config config;

    private volatile OpenAiSettings settings;

    void validateAtStartup(@Observes @Initialized(ApplicationScoped.class) Object started) {
        OpenAiSettings s = settings();
        LOG.info(() -> "GLM4V-OAI-001 OpenAI-compatible API at /v1: model " + s.modelId() + " (aliases "
                + s.aliases() + "), image URLs from " + (s.imageUrlAllowHosts().isEmpty() ? "no host (data: URLs only)"
                : s.imageUrlAllowHosts()));
    }

    @Produces
    @Dependent
    public OpenAiSettings settings() {
        OpenAiSettings s = settings;
        if (s == null) {
            s = OpenAiSettings.from(key -> config.getOptionalValue(key, String.class));
            settings = s;
        }
        return s;
    }
}
