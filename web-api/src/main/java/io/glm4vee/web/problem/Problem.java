package io.glm4vee.web.problem;

/**
 * An RFC 9457 problem detail with the native API's stable code, sent as application/problem+json:
 * {"type", "title", "status", "detail", "code"}.
 */
public record Problem(String type, String title, int status, String detail, String code) {

    public static Problem of(ProblemCode code, String detail) {
        return new Problem(code.type(), code.title(), code.status(), detail, code.name());
    }
}
