package io.glm4vee.web.security;

import io.glm4vee.web.problem.Problem;
import io.glm4vee.web.problem.ProblemCode;
import io.glm4vee.web.problem.ProblemResponse;
import jakarta.json.Json;

/**
 * The 401 answer of a request without a valid API key, in the error format of the API it asked:
 * OpenAI's error object on /v1/* (type authentication_error, code invalid_api_key, as the OpenAI
 * API's own table in README.md has it; SDKs raise their AuthenticationException),
 * application/problem+json with code UNAUTHORIZED elsewhere. Always with WWW-Authenticate: Bearer.
 */
public record Unauthorized(String contentType, String body, String wwwAuthenticate) {

    public static final String REALM = "glm4v";

    /**
     * @param path          the request path inside the application, e.g. /api/v1/chat or /v1/models
     * @param keyWasInvalid a key (or credentials) was sent but not accepted; false when none was sent
     */
    public static Unauthorized of(String path, boolean keyWasInvalid) {
        String detail = keyWasInvalid
                ? "the API key (or the credentials) sent is not valid; send a configured key as Authorization: Bearer <key>"
                : "an API key is required; send it as Authorization: Bearer <key>";
        String challenge = "Bearer realm=\"" + REALM + "\"" + (keyWasInvalid ? ", error=\"invalid_token\"" : "");
        if (path != null && (path.equals("/v1") || path.startsWith("/v1/"))) {
            String body = Json.createObjectBuilder().add("error", Json.createObjectBuilder()
                    .add("message", detail)
                    .add("type", "authentication_error")
                    .addNull("param")
                    .add("code", "invalid_api_key")).build().toString();
            return new Unauthorized("application/json", body, challenge);
        }
        ProblemResponse p = new ProblemResponse(Problem.of(ProblemCode.UNAUTHORIZED, detail), null, null);
        return new Unauthorized(ProblemResponse.MEDIA_TYPE, p.json(), challenge);
    }
}
