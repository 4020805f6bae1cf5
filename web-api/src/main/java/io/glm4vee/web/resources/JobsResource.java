package io.glm4vee.web.resources;

import io.glm4vee.ejb.InferenceServiceLocal;
import io.glm4vee.web.dto.ChatBody;
import io.glm4vee.web.dto.JobView;
import io.glm4vee.web.request.ChatRequests;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

/** Deferred jobs: POST a chat body (202 + Location), then poll GET /api/v1/jobs/{id}. */
@Path("v1/jobs")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {

    @EJB
    InferenceServiceLocal service;

    @Inject
    ChatRequests requests;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response submit(ChatBody body, @Context UriInfo uri) {
        JobView job = JobView.of(service.submit(requests.fromJson(body)));
        return Response.accepted(job).location(uri.getAbsolutePathBuilder().path(job.id()).build()).build();
    }

    @GET
    @Path("{id}")
    public JobView job(@PathParam("id") String id) {
        return JobView.of(service.job(id));
    }
}
