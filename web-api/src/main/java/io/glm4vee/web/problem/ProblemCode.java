package io.glm4vee.web.problem;

import java.util.Locale;

/**
 * The stable codes of the native API's problem+json errors, each with its one HTTP status
 * and, for overload and outages, the Retry-After a client gets when the adapter gives none.
 */
public enum ProblemCode {
    MALFORMED_JSON(400, "Malformed JSON", null),
    INVALID_FIELD(400, "Invalid field", null),
    EMPTY_MESSAGES(400, "No messages", null),
    BAD_ROLE(400, "Unknown role", null),
    BAD_IMAGE(400, "Not a usable image", null),
    TOO_MANY_IMAGES(400, "Too many images", null),
    UNAUTHORIZED(401, "Authentication required", null),
    FORBIDDEN(403, "Forbidden", null),
    NOT_FOUND(404, "Not found", null),
    METHOD_NOT_ALLOWED(405, "Method not allowed", null),
    NOT_ACCEPTABLE(406, "Not acceptable", null),
    BODY_TOO_LARGE(413, "Request body too large", null),
    IMAGE_TOO_LARGE(413, "Image too large", null),
    PROMPT_TOO_LONG(413, "Prompt too long", null),
    UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type", null),
    QUOTA_EXCEEDED(429, "Token quota exceeded", 60),
    INTERNAL(500, "Internal error", null),
    OVERLOADED(503, "Overloaded", 1),
    UNAVAILABLE(503, "Unavailable", 5),
    DEVICE_FAILED(503, "Device failed", 30),
    TIMEOUT(504, "Timeout", null);

    /** The base of every problem's type URI. */
    public static final String TYPE_BASE = "https://glm4v-ee.dev/problems/";

    private final int status;
    private final String title;
    private final Integer defaultRetryAfter;

    ProblemCode(int status, String title, Integer defaultRetryAfter) {
        this.status = status;
        this.title = title;
        this.defaultRetryAfter = defaultRetryAfter;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** Seconds for Retry-After when the failure gave none; null: this code sends no Retry-After. */
    public Integer defaultRetryAfter() {
        return defaultRetryAfter;
    }

    /** https://glm4v-ee.dev/problems/image-too-large for IMAGE_TOO_LARGE. */
    public String type() {
        return TYPE_BASE + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
