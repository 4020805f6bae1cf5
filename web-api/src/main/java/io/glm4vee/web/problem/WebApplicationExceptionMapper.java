package io.glm4vee.web.problem;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** JAX-RS refusals (404 unknown path, 405 method, 415 media type, ...) as problem+json, keeping Allow and WWW-Authenticate. */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException failure) {
        return Problems.classify(failure).toResponse();
    }
}
