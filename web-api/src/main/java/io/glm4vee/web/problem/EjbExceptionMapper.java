package io.glm4vee.web.problem;

import jakarta.ejb.EJBException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** EJB-wrapped failures: EJBAccessException is 403 FORBIDDEN, otherwise the InferenceException inside, otherwise 500. */
@Provider
public class EjbExceptionMapper implements ExceptionMapper<EJBException> {
    @Override
    public Response toResponse(EJBException failure) {
        return Problems.classify(failure).toResponse();
    }
}
