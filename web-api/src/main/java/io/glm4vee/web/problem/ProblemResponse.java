package io.glm4vee.web.problem;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/**
 * A problem with the headers that go with it (Retry-After, Allow, WWW-Authenticate). Kept
 * apart from {@link Response} so the mapping is testable without a JAX-RS runtime.
 */
public record ProblemResponse(Problem problem, Integer retryAfterSeconds, Map<String, String> headers) {

    public static final String MEDIA_TYPE = "application/problem+json";

    private static final Jsonb JSON = JsonbBuilder.create();

    public ProblemResponse {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public int status() {
        return problem.status();
    }

    public String code() {
        return problem.code();
    }

    /** The body, serialised by JSON-B (nulls left out). */
    public String json() {
        return JSON.toJson(problem);
    }

    public Response toResponse() {
        Response.ResponseBuilder r = Response.status(problem.status()).type(MEDIA_TYPE).entity(json());
        if (retryAfterSeconds != null) {
            r.header("Retry-After", retryAfterSeconds);
        }
        headers.forEach(r::header);
        return r.build();
    }
}
