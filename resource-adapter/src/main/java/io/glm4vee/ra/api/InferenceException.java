package io.glm4vee.ra.api;

/**
 * Every failure the client API reports, with a stable code that REST maps to a status and an
 * operator can grep for. Unchecked: only the JCA SPI itself uses ResourceException.
 */
public class InferenceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Stable codes; the REST layer maps each to one HTTP status. */
    public enum Code {
        BAD_REQUEST,        // 400
        BAD_IMAGE,          // 400
        TOO_LARGE,          // 413: body, image bytes or pixels, prompt tokens
        QUOTA_EXCEEDED,     // 429
        OVERLOADED,         // 503 with Retry-After: every context queue is full
        UNAVAILABLE,        // 503: adapter not started, no context in service, pool wait exceeded
        TIMEOUT,            // 504
        NOT_FOUND,          // 404: session, job or context
        DEVICE_FAILED,      // 503: the context failed and is being rebuilt
        INTERNAL            // 500
    }

    private final Code code;
    private final Integer retryAfterSeconds;

    public InferenceException(Code code, String message) {
        this(code, message, null, null);
    }

    public InferenceException(Code code, String message, Integer retryAfterSeconds, Throwable cause) {
        super(message, cause);
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public Code code() {
        return code;
    }

    /** Seconds a client should wait before retrying, or null. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
