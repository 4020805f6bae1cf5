package io.glm4vee.web.openai;

import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;

/**
 * Every failure under /v1 as OpenAI's error object (the only mapper of {@link OpenAiApplication};
 * /api keeps problem+json). An unknown path reads as OpenAI says it: "Invalid URL (POST /v1/...)".
 */
public class OpenAiErrorMapper implements ExceptionMapper<Throwable> {

    @Context
    UriInfo uri;

    @Context
    Request request;

    @Override
    public Response toResponse(Throwable failure) {
        if (failure instanceof NotFoundException && uri != null && request != null) {
            return new OpenAiErrors.Answer(OpenAiError.of(404, "Invalid URL (" + request.getMethod() + " "
                    + uri.getRequestUri().getRawPath() + ")", null, "unknown_url"), null).toResponse();
        }
        return OpenAiErrors.classify(failure).toResponse();
    }
}
