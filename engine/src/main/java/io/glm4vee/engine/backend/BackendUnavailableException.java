package io.glm4vee.engine.backend;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;

import java.util.List;

/** The named backend is not on the class path (or cannot run here); the message lists the available ones. */
public final class BackendUnavailableException extends EngineException {
    private static final long serialVersionUID = 1L;

    private final String backend;
    private final String[] available;

    public BackendUnavailableException(String backend, List<String> available, String why) {
        super(ErrorCode.BACKEND_UNAVAILABLE, "backend '" + backend + "' " + why + "; available: "
                + String.join(", ", available));
        this.backend = backend;
        this.available = available.toArray(String[]::new);
    }

    public String backend() {
        return backend;
    }

    public List<String> available() {
        return List.of(available);
    }
}
