package io.glm4vee.web.problem;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An RFC 9457 problem detail with the native API's stable code, sent as application/problem+json:
 * {"type", "title", "status", "detail", "code"}.
 */
@Schema(name = "Problem", description = "An error of the native API (application/problem+json, RFC 9457)")
public record Problem(@Schema(example = "https://glm4v-ee.dev/problems/bad-image") String type,
                      @Schema(example = "Not a usable image") String title,
                      @Schema(example = "400") int status,
                      @Schema(description = "what was wrong, naming the field") String detail,
                      @Schema(description = "the stable code", example = "BAD_IMAGE") String code) {

    public static Problem of(ProblemCode code, String detail) {
        return new Problem(code.type(), code.title(), code.status(), detail, code.name());
    }
}
