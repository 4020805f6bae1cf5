package io.glm4vee.web.resources;

import io.glm4vee.ejb.InferenceServiceLocal;
import io.glm4vee.web.dto.ChatBody;
import io.glm4vee.web.dto.ChatForm;
import io.glm4vee.web.dto.ChatReply;
import io.glm4vee.web.problem.Problem;
import io.glm4vee.web.request.ChatRequests;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.EntityPart;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.security.SecuritySchemes;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** POST /api/v1/chat: one answer, as JSON (base64 image) or as a form (image file + prompt). */
@Path("v1/chat")
@Tag(name = "chat", description = "GLM-4V answers, with or without a picture")
@SecuritySchemes({
    @SecurityScheme(securitySchemeName = ApiDocs.API_KEY, type = SecuritySchemeType.HTTP, scheme = "bearer",
            description = "An API key of glm4v.security.api-keys (Authorization: Bearer <key>). Required when keys "
                    + "are configured (401 without); without keys the API is open."),
    @SecurityScheme(securitySchemeName = ApiDocs.ADMIN_BASIC, type = SecuritySchemeType.HTTP, scheme = "basic",
            description = "The admin user and glm4v.admin.password (role inference-admin)")})
@SecurityRequirement(name = ApiDocs.API_KEY)
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ChatResource {

    @EJB
    InferenceServiceLocal service;

    @Inject
    ChatRequests requests;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Answer a conversation (JSON; the picture as base64)",
            description = "Generates the assistant's next message. Errors are problem+json with a stable code "
                    + "(web-api/README.md, Errors).")
    @APIResponse(responseCode = "200", description = "the answer",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ChatReply.class)))
    @APIResponse(responseCode = "400", description = "malformed JSON, a bad field, role or image",
            content = @Content(mediaType = ApiDocs.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "API keys are configured and the request has no valid one",
            content = @Content(mediaType = ApiDocs.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "body, image or prompt too large",
            content = @Content(mediaType = ApiDocs.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "the caller's token quota is used up",
            content = @Content(mediaType = ApiDocs.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "overloaded, unavailable or a card failed (Retry-After)",
            content = @Content(mediaType = ApiDocs.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "504", description = "the request ran past the adapter's timeout",
            content = @Content(mediaType = ApiDocs.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ChatBody.class)))
    public ChatReply chat(InputStream body) throws IOException {
        // the body is read here, not by a MessageBodyReader: which reader a runtime picks for a JSON
        // entity differs between servers (Payara's Jersey sometimes took its own JSON-B reader)
        return ChatReply.of(service.chat(requests.fromJson(requests.readJson(body))));
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Answer a prompt about a picture file (multipart form)")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.MULTIPART_FORM_DATA,
            schema = @Schema(implementation = ChatForm.class)))
    @APIResponse(responseCode = "200", description = "the answer",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ChatReply.class)))
    @APIResponse(responseCode = "400", description = "no prompt, a bad field or image",
            content = @Content(mediaType = ApiDocs.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "401", description = "API keys are configured and the request has no valid one",
            content = @Content(mediaType = ApiDocs.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "body, image or prompt too large",
            content = @Content(mediaType = ApiDocs.PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "overloaded, unavailable or a card failed (Retry-After)",
            content = @Content(mediaType = ApiDocs.PROBLEM, schema = @Schema(implementation = Problem.class)))
    public ChatReply chatForm(List<EntityPart> parts) {
        return ChatReply.of(service.chat(requests.fromForm(parts)));
    }
}
