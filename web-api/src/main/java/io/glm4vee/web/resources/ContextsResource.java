package io.glm4vee.web.resources;

import io.glm4vee.ejb.InferenceServiceLocal;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.web.dto.ContextList;
import io.glm4vee.web.pool.ServerPool;
import io.glm4vee.web.problem.Problem;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Device contexts: list, one, and the admin operations drain and rebuild (inference-admin;
 * the EJB checks the role, others get 403 FORBIDDEN). The admin operations answer 204 when
 * done; GET the context for its state (after draining the last context in service, the adapter
 * may answer status calls with 503 UNAVAILABLE).
 */
@Path("v1/contexts")
@Tag(name = "operations", description = "Cards, device contexts and the admin operations")
@SecurityRequirement(name = ApiDocs.API_KEY)
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ContextsResource {

    @EJB
    InferenceServiceLocal service;

    @GET
    @Operation(summary = "List the device contexts (model replicas) and their state, the adapter's settings in effect "
            + "and the server's connection pool")
    @APIResponse(responseCode = "200", description = "every context",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ContextList.class)))
    @APIResponse(responseCode = "401", description = "API keys are configured and the request has no valid one",
            content = @Content(mediaType = ApiDocs.PROBLEM, schema = @Schema(implementation = Problem.class)))
    public ContextList contexts() {
        return ContextList.of(service.contexts(), service.settings(), ServerPool.read().orElse(null));
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One device context")
    @APIResponse(responseCode = "200", description = "the context",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ContextList.Context.class)))
    @APIResponse(responseCode = "404", description = "no such context",
            content = @Content(mediaType = ApiDocs.PROBLEM, schema = @Schema(implementation = Problem.class)))
    public ContextList.Context context(@PathParam("id") String id) {
        return service.contexts().stream().filter(c -> c.id().equals(id)).findFirst()
                .map(ContextList.Context::of)
                .orElseThrow(() -> new InferenceException(InferenceException.Code.NOT_FOUND, "no context " + id));
    }

    @POST
    @Path("{id}/drain")
    @Operation(summary = "Drain a context (inference-admin): no new work, wait for queued work")
    @SecurityRequirement(name = ApiDocs.API_KEY)
    @SecurityRequirement(name = ApiDocs.ADMIN_BASIC)
    @APIResponse(responseCode = "204", description = "drained")
    @APIResponse(responseCode = "403", description = "the caller is not inference-admin",
            content = @Content(mediaType = ApiDocs.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "no such context",
            content = @Content(mediaType = ApiDocs.PROBLEM, schema = @Schema(implementation = Problem.class)))
    public void drain(@PathParam("id") String id) {
        service.drain(id);
    }

    @POST
    @Path("{id}/rebuild")
    @Operation(summary = "Rebuild a context's device group (inference-admin) and wait until it is back in service")
    @SecurityRequirement(name = ApiDocs.API_KEY)
    @SecurityRequirement(name = ApiDocs.ADMIN_BASIC)
    @APIResponse(responseCode = "204", description = "back in service")
    @APIResponse(responseCode = "403", description = "the caller is not inference-admin",
            content = @Content(mediaType = ApiDocs.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "no such context",
            content = @Content(mediaType = ApiDocs.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "504", description = "not back in service within the bound",
            content = @Content(mediaType = ApiDocs.PROBLEM, schema = @Schema(implementation = Problem.class)))
    public void rebuild(@PathParam("id") String id) {
        service.rebuild(id);
    }
}
