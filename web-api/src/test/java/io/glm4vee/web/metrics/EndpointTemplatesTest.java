package io.glm4vee.web.metrics;

import io.glm4vee.web.resources.ChatResource;
import io.glm4vee.web.resources.ContextsResource;
import io.glm4vee.web.resources.JobsResource;
import io.glm4vee.web.resources.SessionsResource;
import io.glm4vee.web.resources.StatusResource;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Requests are labelled with the template of their endpoint, never with the ids in their path. */
class EndpointTemplatesTest {

    @Path("models")
    public static class Models {
        @GET
        public String list() {
            return "";
        }

        @GET
        @Path("{model: [^/]+}")
        public String one() {
            return "";
        }
    }

    private final EndpointTemplates native_ = EndpointTemplates.of(Map.of("/api", List.of(ChatResource.class,
            ContextsResource.class, JobsResource.class, SessionsResource.class, StatusResource.class)));

    @Test
    void everyNativeEndpointHasItsTemplate() {
        assertEquals(List.of("/api/v1/contexts/{id}/drain", "/api/v1/contexts/{id}/rebuild", "/api/v1/chat",
                "/api/v1/contexts", "/api/v1/contexts/{id}", "/api/v1/devices", "/api/v1/jobs", "/api/v1/jobs/{id}",
                "/api/v1/sessions", "/api/v1/sessions/{id}", "/api/v1/usage"), native_.templates());
    }

    @Test
    void pathsMatchTheirTemplate() {
        assertEquals("/api/v1/chat", native_.match("/api/v1/chat"));
        assertEquals("/api/v1/chat", native_.match("/api/v1/chat/"));
        assertEquals("/api/v1/sessions/{id}", native_.match("/api/v1/sessions/s-1234"));
        assertEquals("/api/v1/contexts/{id}/drain", native_.match("/api/v1/contexts/ctx-0/drain"));
        assertEquals("/api/v1/contexts/{id}", native_.match("/api/v1/contexts/ctx-0"));
        assertNull(native_.match("/api/v1/sessions/s-1/more"));
        assertNull(native_.match("/api/v1"));
        assertNull(native_.match("/"));
    }

    @Test
    void parameterRegexesAndSeveralApplications() {
        EndpointTemplates t = EndpointTemplates.of(Map.of("/v1/", List.of(Models.class), "/api",
                List.of(ChatResource.class)));
        assertEquals("/v1/models/{model}", t.match("/v1/models/glm-4v-9b"));
        assertEquals("/v1/models", t.match("/v1/models"));
        assertEquals("/api/v1/chat", t.match("/api/v1/chat"));
    }

    @Test
    void joinPutsOneSlashBetweenParts() {
        assertEquals("/api/v1/chat", EndpointTemplates.join("/api/", "/v1/chat/"));
        assertEquals("/", EndpointTemplates.join("", ""));
    }
}
