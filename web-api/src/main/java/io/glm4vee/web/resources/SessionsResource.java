package io.glm4vee.web.resources;

import io.glm4vee.ejb.InferenceServiceLocal;
import io.glm4vee.web.dto.SessionCreated;
import io.glm4vee.web.dto.SessionHistory;
import io.glm4vee.web.problem.Problem;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Chat sessions: open (201 {"session"}), read the committed turns, close (204). */
@Path("v1/sessions")
@Tag(name = "sessions", description = "Multi-turn chats that keep their KV cache")
@SecurityRequirement(name = ApiDocs.API_KEY)
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class SessionsResource {

    @EJB
    InferenceServiceLocal service;

    @POST
    @Operation(summary = "Open a chat session (201 and Location)")
    @APIResponse(responseCode = "201", description = "the new session",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionCreated.class)))
    @APIResponse(responseCode = "503", description = "no context in service",
            content = @Content(mediaType = ApiDocs.PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Response open(@Context UriInfo uri) {
        String id = service.openSession();
        return Response.created(uri.getAbsolutePathBuilder().path(id).build()).entity(new SessionCreated(id)).build();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "The committed turns of one of the caller's sessions")
    @APIResponse(responseCode = "200", description = "the turns",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SessionHistory.class)))
    @APIResponse(responseCode = "404", description = "no such session of this caller",
            content = @Content(mediaType = ApiDocs.PROBLEM, schema = @Schema(implementation = Problem.class)))
    public SessionHistory history(@PathParam("id") String id) {
        return SessionHistory.of(id, service.history(id));
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Close a session and release its KV cache")
    @APIResponse(responseCode = "204", description = "closed")
    @APIResponse(responseCode = "404", description = "no such session",
            content = @Content(mediaType = ApiDocs.PROBLEM, schema = @Schema(implementation = Problem.class)))
    public void close(@PathParam("id") String id) {
        service.closeSession(id);
    }
}
