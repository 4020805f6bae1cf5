package io.glm4vee.web.problem;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Everything else: 500 INTERNAL with an incident id; the stack trace goes to the log, not the body. */
@Provider
public class FallbackExceptionMapper implements ExceptionMapper<Throwable> {
    @Override
    public Response toResponse(Throwable failure) {
        return Problems.classify(failure).toResponse();
    }
}
