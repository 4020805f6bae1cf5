package io.glm4vee.web.resources;

import io.glm4vee.ejb.InferenceServiceLocal;
import io.glm4vee.web.dto.DeviceList;
import io.glm4vee.web.dto.UsageView;
import io.glm4vee.web.problem.Problem;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** GET /api/v1/devices (cards and their contexts) and GET /api/v1/usage (the caller's tokens). */
@Path("v1")
@Tag(name = "operations", description = "Cards, device contexts and the admin operations")
@SecurityRequirement(name = ApiDocs.API_KEY)
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {

    @EJB
    InferenceServiceLocal service;

    @GET
    @Path("devices")
    @Operation(summary = "List the cards, their context and weight bytes")
    @APIResponse(responseCode = "200", description = "every card",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DeviceList.class)))
    public DeviceList devices() {
        return DeviceList.of(service.devices());
    }

    @GET
    @Path("usage")
    @Operation(summary = "The caller's own token usage and quota")
    @APIResponse(responseCode = "200", description = "the caller's usage",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = UsageView.class)))
    public UsageView usage() {
        return UsageView.of(service.usage());
    }
}
