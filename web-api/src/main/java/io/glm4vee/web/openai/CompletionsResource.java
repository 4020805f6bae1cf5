package io.glm4vee.web.openai;

import io.glm4vee.ejb.InferenceServiceLocal;
import io.glm4vee.ra.api.ChatResponse;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.media.SchemaProperty;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

/**
 * POST /v1/chat/completions: one chat.completion, or with "stream": true a text/event-stream of
 * chat.completion.chunk events produced while the model generates (see {@link CompletionStream}).
 * No @Produces: clients send Accept: application/json for streamed requests too.
 */
@Path("chat/completions")
@RequestScoped
public class CompletionsResource {

    public static final String EVENT_STREAM = "text/event-stream";

    @EJB
    InferenceServiceLocal service;

    @Inject
    OpenAiRequests requests;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a chat completion (OpenAI-compatible; streaming with \"stream\": true)")
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(
            type = SchemaType.OBJECT, description = OpenAiSchemas.REQUEST, requiredProperties = "messages",
            properties = {
                @SchemaProperty(name = "model", type = SchemaType.STRING, description = "the served model id or an alias"),
                @SchemaProperty(name = "messages", type = SchemaType.ARRAY,
                        description = "{role: system|user|assistant, content: string or parts}"),
                @SchemaProperty(name = "max_tokens", type = SchemaType.INTEGER, minimum = "1"),
                @SchemaProperty(name = "max_completion_tokens", type = SchemaType.INTEGER, minimum = "1"),
                @SchemaProperty(name = "temperature", type = SchemaType.NUMBER, minimum = "0", maximum = "2"),
                @SchemaProperty(name = "top_p", type = SchemaType.NUMBER, minimum = "0", maximum = "1"),
                @SchemaProperty(name = "seed", type = SchemaType.INTEGER),
                @SchemaProperty(name = "stop", description = "a string or up to 4 strings"),
                @SchemaProperty(name = "n", type = SchemaType.INTEGER, description = "1 only"),
                @SchemaProperty(name = "stream", type = SchemaType.BOOLEAN),
                @SchemaProperty(name = "stream_options", type = SchemaType.OBJECT,
                        description = "{include_usage: boolean}")})))
    @APIResponse(responseCode = "200", description = OpenAiSchemas.RESPONSE, content = {
        @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT,
                description = "chat.completion", properties = {
                    @SchemaProperty(name = "id", type = SchemaType.STRING),
                    @SchemaProperty(name = "object", type = SchemaType.STRING, enumeration = "chat.completion"),
                    @SchemaProperty(name = "created", type = SchemaType.INTEGER),
                    @SchemaProperty(name = "model", type = SchemaType.STRING),
                    @SchemaProperty(name = "choices", type = SchemaType.ARRAY),
                    @SchemaProperty(name = "usage", type = SchemaType.OBJECT)})),
        @Content(mediaType = EVENT_STREAM, schema = @Schema(type = SchemaType.STRING,
                description = "data: {chat.completion.chunk} events, then data: [DONE]"))})
    @APIResponse(responseCode = "400", description = OpenAiSchemas.ERROR)
    @APIResponse(responseCode = "401", description = OpenAiSchemas.ERROR)
    @APIResponse(responseCode = "404", description = OpenAiSchemas.ERROR)
    @APIResponse(responseCode = "429", description = OpenAiSchemas.ERROR)
    @APIResponse(responseCode = "503", description = OpenAiSchemas.ERROR)
    public Response create(InputStream body, @HeaderParam(HttpHeaders.CONTENT_LENGTH) String contentLength)
            throws IOException {
        CompletionRequest request = requests.read(body, contentLength);
        String id = OpenAiRequests.completionId();
        long created = Instant.now().getEpochSecond();
        if (request.stream()) {
            return Response.ok(new CompletionStream(service::chat, request, id, created), EVENT_STREAM)
                    .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                    .header("X-Accel-Buffering", "no") // a proxy in front must not hold events back
                    .build();
        }
        ChatResponse answer = service.chat(request.toChatRequest());
        return Response.ok(OpenAiJson.completion(id, created, request.model(), answer), OpenAiJson.JSON_UTF8).build();
    }
}
