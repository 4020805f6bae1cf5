package io.glm4vee.web.problem;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Refusals of the REST layer itself (size, shape, base64, image checks). */
@Provider
public class ProblemExceptionMapper implements ExceptionMapper<ProblemException> {
    @Override
    public Response toResponse(ProblemException failure) {
        return Problems.classify(failure).toResponse();
    }
}
