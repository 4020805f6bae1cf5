package io.glm4vee.web.resources;

import io.glm4vee.ejb.InferenceServiceLocal;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.web.dto.ContextList;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Device contexts: list, one, and the admin operations drain and rebuild (inference-admin;
 * the EJB checks the role, others get 403 FORBIDDEN). The admin operations answer 204 when
 * done; GET the context for its state (after draining the last context in service, the adapter
 * may answer status calls with 503 UNAVAILABLE).
 */
@Path("v1/contexts")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ContextsResource {

    @EJB
    InferenceServiceLocal service;

    @GET
    public ContextList contexts() {
        return ContextList.of(service.contexts());
    }

    @GET
    @Path("{id}")
    public ContextList.Context context(@PathParam("id") String id) {
        return service.contexts().stream().filter(c -> c.id().equals(id)).findFirst()
                .map(ContextList.Context::of)
                .orElseThrow(() -> new InferenceException(InferenceException.Code.NOT_FOUND, "no context " + id));
    }

    @POST
    @Path("{id}/drain")
    public void drain(@PathParam("id") String id) {
        service.drain(id);
    }

    @POST
    @Path("{id}/rebuild")
    public void rebuild(@PathParam("id") String id) {
        service.rebuild(id);
    }
}
