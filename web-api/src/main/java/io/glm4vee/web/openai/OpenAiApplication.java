package io.glm4vee.web.openai;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import java.util.Set;

/**
 * The OpenAI-compatible API at the server root: /v1/chat/completions and /v1/models. Its own
 * JAX-RS application, listing its classes, so that its errors are OpenAI error objects while
 * the native API (/api, {@link io.glm4vee.web.ApiApplication}) keeps problem+json: providers
 * belong to one application each.
 */
@ApplicationPath("/v1")
public class OpenAiApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(CompletionsResource.class, ModelsResource.class, OpenAiErrorMapper.class);
    }
}
