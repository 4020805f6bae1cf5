package io.glm4vee.web.problem;

import jakarta.json.JsonException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** JSON-P parse failures: 400 MALFORMED_JSON. */
@Provider
public class JsonExceptionMapper implements ExceptionMapper<JsonException> {
    @Override
    public Response toResponse(JsonException failure) {
        return Problems.classify(failure).toResponse();
    }
}
