package io.glm4vee.web;

import io.glm4vee.web.problem.EjbExceptionMapper;
import io.glm4vee.web.problem.FallbackExceptionMapper;
import io.glm4vee.web.problem.InferenceExceptionMapper;
import io.glm4vee.web.problem.JsonExceptionMapper;
import io.glm4vee.web.problem.JsonbExceptionMapper;
import io.glm4vee.web.problem.ProblemExceptionMapper;
import io.glm4vee.web.problem.ProcessingExceptionMapper;
import io.glm4vee.web.problem.WebApplicationExceptionMapper;
import io.glm4vee.web.request.BodyLimitFilter;
import io.glm4vee.web.resources.ChatResource;
import io.glm4vee.web.resources.ContextsResource;
import io.glm4vee.web.resources.JobsResource;
import io.glm4vee.web.resources.SessionsResource;
import io.glm4vee.web.resources.StatusResource;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

import java.util.Set;

/**
 * The native REST API: /api/v1/... Its classes are listed, not scanned: the WAR holds a second
 * application (the OpenAI-compatible API at /v1, io.glm4vee.web.openai.OpenAiApplication) whose
 * error mapper must not answer here, and scanning would give every application every provider.
 * ApplicationClassesTest fails when a resource or provider is in neither list.
 */
@ApplicationPath("/api")
@OpenAPIDefinition(info = @Info(title = "glm4v-ee native API", version = "1",
        description = "GLM-4V chat with images, sessions, deferred jobs, device and context status. "
                + "Errors are application/problem+json with a stable code."))
public class ApiApplication extends Application {

    @Override
    public Set<Class<?>> getClasses() {
        return Set.of(
                // resources
                ChatResource.class, SessionsResource.class, JobsResource.class, StatusResource.class,
                ContextsResource.class,
                // request checks
                BodyLimitFilter.class,
                // problem+json mapping
                ProblemExceptionMapper.class, InferenceExceptionMapper.class, EjbExceptionMapper.class,
                WebApplicationExceptionMapper.class, ProcessingExceptionMapper.class, JsonExceptionMapper.class,
                JsonbExceptionMapper.class, FallbackExceptionMapper.class);
    }
}
