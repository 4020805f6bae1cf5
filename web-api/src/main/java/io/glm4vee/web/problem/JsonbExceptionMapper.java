package io.glm4vee.web.problem;

import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** JSON-B failures while reading a body: 400 MALFORMED_JSON, never a 500 or an HTML page. */
@Provider
public class JsonbExceptionMapper implements ExceptionMapper<JsonbException> {
    @Override
    public Response toResponse(JsonbException failure) {
        return Problems.classify(failure).toResponse();
    }
}
