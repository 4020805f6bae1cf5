package io.glm4vee.web.resources;

import io.glm4vee.ejb.InferenceServiceLocal;
import io.glm4vee.web.dto.DeviceList;
import io.glm4vee.web.dto.UsageView;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** GET /api/v1/devices (cards and their contexts) and GET /api/v1/usage (the caller's tokens). */
@Path("v1")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class StatusResource {

    @EJB
    InferenceServiceLocal service;

    @GET
    @Path("devices")
    public DeviceList devices() {
        return DeviceList.of(service.devices());
    }

    @GET
    @Path("usage")
    public UsageView usage() {
        return UsageView.of(service.usage());
    }
}
