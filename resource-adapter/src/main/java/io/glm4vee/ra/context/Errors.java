package io.glm4vee.ra.context;

import io.glm4vee.engine.EngineException;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;

/** Engine failures as client-API failures: one engine code maps to one stable API code. */
public final class Errors {
    private Errors() {
    }

    public static InferenceException fromEngine(EngineException e) {
        Code code = switch (e.code()) {
            case BAD_IMAGE -> Code.BAD_IMAGE;
            case IMAGE_TOO_LARGE, PROMPT_TOO_LONG -> Code.TOO_LARGE;
            case BAD_REQUEST -> Code.BAD_REQUEST;
            case DEVICE_FAILED -> Code.DEVICE_FAILED;
            case DEVICE_TIMEOUT -> Code.TIMEOUT;
            default -> Code.INTERNAL;
        };
        return new InferenceException(code, e.getMessage(), null, e);
    }

    /** Errors that mean a card failed or hung: the context must leave service and be rebuilt. */
    public static boolean isDeviceFailure(EngineException e) {
        return switch (e.code()) {
            case DEVICE_FAILED, DEVICE_TIMEOUT -> true;
            default -> false;
        };
    }

    public static InferenceException bad(String message) {
        return new InferenceException(Code.BAD_REQUEST, message);
    }

    public static InferenceException unavailable(String message, Integer retryAfterSeconds) {
        return new InferenceException(Code.UNAVAILABLE, message, retryAfterSeconds, null);
    }

    public static InferenceException notFound(String message) {
        return new InferenceException(Code.NOT_FOUND, message);
    }
}
