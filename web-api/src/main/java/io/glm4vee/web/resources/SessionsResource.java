package io.glm4vee.web.resources;

import io.glm4vee.ejb.InferenceServiceLocal;
import io.glm4vee.web.dto.SessionCreated;
import io.glm4vee.web.dto.SessionHistory;
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

/** Chat sessions: open (201 {"session"}), read the committed turns, close (204). */
@Path("v1/sessions")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class SessionsResource {

    @EJB
    InferenceServiceLocal service;

    @POST
    public Response open(@Context UriInfo uri) {
        String id = service.openSession();
        return Response.created(uri.getAbsolutePathBuilder().path(id).build()).entity(new SessionCreated(id)).build();
    }

    @GET
    @Path("{id}")
    public SessionHistory history(@PathParam("id") String id) {
        return SessionHistory.of(id, service.history(id));
    }

    @DELETE
    @Path("{id}")
    public void close(@PathParam("id") String id) {
        service.closeSession(id);
    }
}
