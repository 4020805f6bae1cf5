package io.glm4vee.engine;

/**
 * The engine's one unchecked exception. Every failure carries a stable {@link ErrorCode} so
 * that callers (CLI, resource adapter, REST) can map it without parsing messages.
 */
public class EngineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public EngineException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public EngineException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
