package io.glm4vee.web.request;

import io.glm4vee.config.ApiSettings;
import io.glm4vee.web.problem.ProblemCode;
import io.glm4vee.web.problem.Problems;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

/**
 * glm4v.limits.max-body-bytes for every request of the API, JSON or multipart: a declared
 * Content-Length over the limit is answered 413 BODY_TOO_LARGE at once; a body without one
 * (chunked) is counted as it is read and stopped at the limit.
 */
@Provider
@PreMatching
@ApplicationScoped
public class BodyLimitFilter implements ContainerRequestFilter {

    @Inject
    ApiSettings settings;

    @Override
    public void filter(ContainerRequestContext request) {
        long limit = settings.maxBodyBytes();
        long declared = declaredLength(request.getHeaderString(HttpHeaders.CONTENT_LENGTH));
        if (declared > limit) {
            LimitedInputStream.drain(request.getEntityStream());
            request.abortWith(Problems.of(ProblemCode.BODY_TOO_LARGE, "the request body is " + declared
                    + " bytes, over the limit of " + limit + " bytes").toResponse());
            return;
        }
        request.setEntityStream(new LimitedInputStream(request.getEntityStream(), limit));
    }

    static long declaredLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
