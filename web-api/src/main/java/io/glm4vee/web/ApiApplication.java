package io.glm4vee.web;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

/** The native REST API: /api/v1/... (resources, readers, filters and mappers are found by scanning). */
@ApplicationPath("/api")
@OpenAPIDefinition(info = @Info(title = "glm4v-ee native API", version = "1",
        description = "GLM-4V chat with images, sessions, deferred jobs, device and context status. "
                + "Errors are application/problem+json with a stable code."))
public class ApiApplication extends Application {
}
