package io.glm4vee.sample;

import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.InferenceException;
import jakarta.ejb.EJBAccessException;
import jakarta.ejb.EJBException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Parameters in, plain-text failures out (the sample keeps to text; the REST API does problem+json). */
final class SampleResponses {

    private static final Logger LOG = Logger.getLogger(SampleResponses.class.getName());

    private SampleResponses() {
    }

    /** The request from ?q, ?image and ?max_tokens, or null after answering 400. */
    static ChatRequest request(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        try {
            String max = req.getParameter("max_tokens");
            return Questions.request(req.getParameter("q"), req.getParameter("image"),
                    max == null || max.isBlank() ? null : Integer.valueOf(max.strip()));
        } catch (IllegalArgumentException e) { // includes NumberFormatException
            fail(resp, 400, e.getMessage());
            return null;
        }
    }

    static void failed(HttpServletResponse resp, Throwable failure) throws IOException {
        Throwable t = failure;
        while (t instanceof EJBException && !(t instanceof EJBAccessException) && t.getCause() != null) {
            t = t.getCause();
        }
        switch (t) {
            case InferenceException e -> fail(resp, status(e.code()), e.code() + ": " + e.getMessage());
            case EJBAccessException e -> fail(resp, 403, "FORBIDDEN: " + e.getMessage());
            default -> {
                LOG.log(Level.SEVERE, "GLM4V-SAMPLE-500 unexpected failure", failure);
                fail(resp, 500, "INTERNAL: see the server log");
            }
        }
    }

    static int status(InferenceException.Code code) {
        return switch (code) {
            case BAD_REQUEST, BAD_IMAGE -> 400;
            case TOO_LARGE -> 413;
            case QUOTA_EXCEEDED -> 429;
            case OVERLOADED, UNAVAILABLE, DEVICE_FAILED -> 503;
            case TIMEOUT -> 504;
            case NOT_FOUND -> 404;
            case INTERNAL -> 500;
        };
    }

    static void fail(HttpServletResponse resp, int status, String message) throws IOException {
        if (resp.isCommitted()) { // a stream already started: say it in the text
            resp.getWriter().print("\n[error] " + message);
            return;
        }
        resp.resetBuffer();
        resp.setStatus(status);
        resp.setContentType("text/plain;charset=UTF-8");
        resp.getWriter().print(message);
    }
}
