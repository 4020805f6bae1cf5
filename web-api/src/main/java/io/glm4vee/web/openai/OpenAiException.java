package io.glm4vee.web.openai;

/** A refusal of the OpenAI-compatible API, answered with its {@link OpenAiError} as is. */
public class OpenAiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient OpenAiError error;

    public OpenAiException(OpenAiError error) {
        super(error.message(), null, false, false); // expected outcome of bad input: no stack trace to fill
        this.error = error;
    }

    /** 400 invalid_request_error naming the field (code may be null). */
    public static OpenAiException invalid(String param, String code, String message) {
        return new OpenAiException(OpenAiError.invalid(param, code, message));
    }

    public OpenAiError error() {
        return error;
    }
}
