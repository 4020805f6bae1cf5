package io.glm4vee.web.openai;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import java.util.List;

/** GET /v1/models (the served model) and GET /v1/models/{model} (its id or an alias; else 404 model_not_found). */
@Path("models")
@RequestScoped
public class ModelsResource {

    @Inject
    OpenAiRequests requests;

    @GET
    public Response list() {
        return Response.ok(OpenAiJson.models(List.of(requests.settings().modelId()), requests.startedAt()),
                OpenAiJson.JSON_UTF8).build();
    }

    @GET
    @Path("{model: .+}")
    public Response retrieve(@PathParam("model") String model) {
        if (!requests.settings().modelNames().contains(model)) {
            throw new OpenAiException(OpenAiError.of(404, "The model `" + model + "` does not exist or you do not "
                    + "have access to it.", "model", "model_not_found"));
        }
        return Response.ok(OpenAiJson.model(model, requests.startedAt()), OpenAiJson.JSON_UTF8).build();
    }
}
