package io.glm4vee.web.openai;

import io.glm4vee.ra.api.InferenceException;

/**
 * Thrown by a stream's TokenStream when the client has gone (writing or flushing an event
 * failed). The adapter's StreamGuard stops generation at the next token when its TokenStream
 * throws and hands the exception back once the device context is free; as an InferenceException
 * (an application exception of the EJB, inherited) it reaches the web layer unwrapped, does not
 * roll back a transaction and is not logged as an EJB failure. Its code is BAD_REQUEST because
 * the client ended the request (metrics count it as glm4v.inference.failures{code=BAD_REQUEST});
 * nobody is left to read an answer, so it is never mapped to one.
 */
public class ClientDisconnectedException extends InferenceException {
    private static final long serialVersionUID = 1L;

    public ClientDisconnectedException(java.io.IOException cause) {
        super(Code.BAD_REQUEST, "the client closed the stream: " + cause.getMessage(), null, cause);
    }
}
