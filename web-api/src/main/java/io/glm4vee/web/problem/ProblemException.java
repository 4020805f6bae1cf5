package io.glm4vee.web.problem;

/** A request the REST layer refuses before it reaches the EJB; mapped to problem+json as is. */
public class ProblemException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ProblemCode code;

    public ProblemException(ProblemCode code, String detail) {
        super(detail, null, false, false); // expected outcome of bad input: no stack trace to fill
        this.code = code;
    }

    public ProblemCode code() {
        return code;
    }
}
