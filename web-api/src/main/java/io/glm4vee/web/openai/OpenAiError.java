package io.glm4vee.web.openai;

/**
 * OpenAI's error object, sent as {"error": {"message", "type", "param", "code"}} with the HTTP
 * status the SDKs turn into their typed exceptions (400 BadRequest, 401 Authentication,
 * 403 PermissionDenied, 404 NotFound, 429 RateLimit, 5xx InternalServer).
 *
 * @param status            the HTTP status
 * @param type              invalid_request_error, authentication_error, permission_error, not_found_error,
 *                          rate_limit_error or server_error (one per status family, see {@link #typeFor})
 * @param param             the request field at fault ("messages[0].content[1].image_url.url"), or null
 * @param code              a stable code (model_not_found, context_length_exceeded, ...), or null
 * @param retryAfterSeconds Retry-After for 429 and 503, or null
 */
public record OpenAiError(int status, String type, String message, String param, String code,
                          Integer retryAfterSeconds) {

    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String AUTHENTICATION = "authentication_error";
    public static final String PERMISSION = "permission_error";
    public static final String NOT_FOUND = "not_found_error";
    public static final String RATE_LIMIT = "rate_limit_error";
    public static final String SERVER = "server_error";

    public OpenAiError {
        if (message == null) {
            message = "";
        }
    }

    public static OpenAiError of(int status, String message, String param, String code) {
        return new OpenAiError(status, typeFor(status), message, param, code, null);
    }

    /** 400 invalid_request_error naming the field. */
    public static OpenAiError invalid(String param, String code, String message) {
        return of(400, message, param, code);
    }

    public OpenAiError withRetryAfter(Integer seconds) {
        return new OpenAiError(status, type, message, param, code, seconds);
    }

    /** The error type of a status: one per family, so a client can branch on type or on status alike. */
    public static String typeFor(int status) {
        return switch (status) {
            case 401 -> AUTHENTICATION;
            case 403 -> PERMISSION;
            case 404 -> NOT_FOUND;
            case 429 -> RATE_LIMIT;
            default -> status >= 500 ? SERVER : INVALID_REQUEST;
        };
    }
}
