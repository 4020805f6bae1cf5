package io.glm4vee.web.problem;

import java.io.IOException;

/**
 * Thrown by io.glm4vee.web.request.LimitedInputStream when a body passes the limit. An IOException, so every
 * reader passes it on (possibly wrapped); the problem mapping finds it in the cause chain.
 */
public class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    public BodyTooLargeException(long limit) {
        super("the request body is over the limit of " + limit + " bytes");
    }
}
