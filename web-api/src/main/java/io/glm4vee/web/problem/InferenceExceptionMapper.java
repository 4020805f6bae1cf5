package io.glm4vee.web.problem;

import io.glm4vee.ra.api.InferenceException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** The adapter's stable codes, as thrown by the EJB (an application exception: not wrapped). */
@Provider
public class InferenceExceptionMapper implements ExceptionMapper<InferenceException> {
    @Override
    public Response toResponse(InferenceException failure) {
        return Problems.classify(failure).toResponse();
    }
}
