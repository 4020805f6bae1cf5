package io.glm4vee.web.openai;

import io.glm4vee.web.problem.ProblemCode;
import io.glm4vee.web.problem.ProblemResponse;
import io.glm4vee.web.problem.Problems;
import jakarta.ws.rs.core.Response;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Any failure -> OpenAI's error object. The OpenAI layer's own refusals carry their error; every
 * other failure (the adapter's codes, EJB access, JAX-RS refusals, size limits, bugs) is first
 * classified by the native API's {@link Problems}, so both APIs agree on what a failure is and
 * only the wire format differs. Prompt and image limits are 400 invalid_request_error here (with
 * codes context_length_exceeded, image_too_large), as OpenAI's SDKs expect, where the native API
 * answers 413.
 */
public final class OpenAiErrors {

    private static final int MAX_CAUSES = 16;

    private OpenAiErrors() {
    }

    /** The error and the headers that go with it (Retry-After, Allow). */
    public record Answer(OpenAiError error, Map<String, String> headers) {
        public Answer {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        public Response toResponse() {
            Response.ResponseBuilder r = Response.status(error.status())
                    .type(OpenAiJson.JSON_UTF8).entity(OpenAiJson.error(error));
            if (error.retryAfterSeconds() != null) {
                r.header("Retry-After", error.retryAfterSeconds());
            }
            headers.forEach(r::header);
            return r.build();
        }
    }

    public static Answer classify(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.size() < MAX_CAUSES && seen.add(t); t = t.getCause()) {
            if (t instanceof OpenAiException o) {
                return new Answer(o.error(), null);
            }
        }
        ProblemResponse p = Problems.classify(failure);
        return new Answer(fromProblem(p), p.headers());
    }

    /** The native API's classification, in OpenAI's terms. */
    static OpenAiError fromProblem(ProblemResponse p) {
        ProblemCode code = codeOf(p);
        String detail = p.problem().detail();
        if (code == null || code.status() != p.status()) {
            // a status without a code of ours (JAX-RS refusals such as 409): keep the status
            return OpenAiError.of(p.status(), detail, null, null).withRetryAfter(p.retryAfterSeconds());
        }
        OpenAiError e = switch (code) {
            case MALFORMED_JSON -> OpenAiError.invalid(null, "invalid_json", detail);
            case INVALID_FIELD, EMPTY_MESSAGES, BAD_ROLE -> OpenAiError.invalid(null, null, detail);
            case BAD_IMAGE -> OpenAiError.invalid("messages", "invalid_image", detail);
            case TOO_MANY_IMAGES -> OpenAiError.invalid("messages", "too_many_images", detail);
            case IMAGE_TOO_LARGE -> OpenAiError.invalid("messages", "image_too_large", detail);
            case PROMPT_TOO_LONG -> OpenAiError.invalid("messages", "context_length_exceeded", detail);
            case BODY_TOO_LARGE -> OpenAiError.of(413, detail, null, "request_too_large");
            case UNAUTHORIZED -> OpenAiError.of(401, detail, null, "invalid_api_key");
            case FORBIDDEN -> OpenAiError.of(403, detail, null, "forbidden");
            case NOT_FOUND -> OpenAiError.of(404, detail, null, "not_found");
            case METHOD_NOT_ALLOWED -> OpenAiError.of(405, detail, null, "method_not_allowed");
            case NOT_ACCEPTABLE -> OpenAiError.of(406, "this resource answers application/json "
                    + "(or text/event-stream with \"stream\": true)", null, "not_acceptable");
            case UNSUPPORTED_MEDIA_TYPE -> OpenAiError.of(415, "send the body as application/json", null,
                    "unsupported_media_type");
            case QUOTA_EXCEEDED -> OpenAiError.of(429, detail, null, "insufficient_quota");
            case INTERNAL -> OpenAiError.of(500, detail, null, "internal_error");
            case OVERLOADED -> OpenAiError.of(503, detail, null, "overloaded");
            case UNAVAILABLE -> OpenAiError.of(503, detail, null, "unavailable");
            case DEVICE_FAILED -> OpenAiError.of(503, detail, null, "device_failed");
            case TIMEOUT -> OpenAiError.of(504, detail, null, "timeout");
        };
        return e.withRetryAfter(p.retryAfterSeconds());
    }

    private static ProblemCode codeOf(ProblemResponse p) {
        try {
            return ProblemCode.valueOf(p.code());
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }
}
