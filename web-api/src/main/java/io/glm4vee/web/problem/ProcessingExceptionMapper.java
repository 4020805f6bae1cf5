package io.glm4vee.web.problem;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Failures the JAX-RS runtime wrapped (for instance a reader's): classified by their cause. */
@Provider
public class ProcessingExceptionMapper implements ExceptionMapper<ProcessingException> {
    @Override
    public Response toResponse(ProcessingException failure) {
        return Problems.classify(failure).toResponse();
    }
}
