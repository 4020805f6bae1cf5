package io.glm4vee.web.openai;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.util.List;

/** GET /v1/models (the served model) and GET /v1/models/{model} (its id or an alias; else 404 model_not_found). */
@Path("models")
@RequestScoped
public class ModelsResource {

    @Inject
    OpenAiRequests requests;

    @GET
    @Operation(summary = "List the served model (OpenAI-compatible)")
    @APIResponse(responseCode = "200", content = @Content(mediaType = "application/json", schema = @Schema(
            type = SchemaType.OBJECT, description = "{object: list, data: [{id, object: model, created, owned_by}]}",
            properties = {
                @SchemaProperty(name = "object", type = SchemaType.STRING, enumeration = "list"),
                @SchemaProperty(name = "data", type = SchemaType.ARRAY)})))
    public Response list() {
        return Response.ok(OpenAiJson.models(List.of(requests.settings().modelId()), requests.startedAt()),
                OpenAiJson.JSON_UTF8).build();
    }

    @GET
    @Path("{model: .+}")
    @Operation(summary = "Describe a model by id or alias (OpenAI-compatible)")
    @APIResponse(responseCode = "200", content = @Content(mediaType = "application/json", schema = @Schema(
            type = SchemaType.OBJECT, description = "{id, object: model, created, owned_by}")))
    @APIResponse(responseCode = "404", description = OpenAiSchemas.ERROR)
    public Response retrieve(@PathParam("model") String model) {
        if (!requests.settings().modelNames().contains(model)) {
            throw new OpenAiException(OpenAiError.of(404, "The model `" + model + "` does not exist or you do not "
                    + "have access to it.", "model", "model_not_found"));
        }
        return Response.ok(OpenAiJson.model(model, requests.startedAt()), OpenAiJson.JSON_UTF8).build();
    }
}
