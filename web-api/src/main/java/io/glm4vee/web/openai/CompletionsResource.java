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
