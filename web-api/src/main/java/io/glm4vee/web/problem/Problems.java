package io.glm4vee.web.problem;

import io.glm4vee.ra.api.InferenceException;
import jakarta.ejb.EJBAccessException;
import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Turns any failure into a problem response with a stable code. The exception mappers all
 * delegate here, so a failure gets the same answer however the runtime wrapped it: the cause
 * chain is searched for the first failure that has a meaning (EJBs wrap runtime exceptions in
 * EJBException, JAX-RS runtimes wrap reader failures in their own exceptions).
 */
public final class Problems {

    private static final Logger LOG = Logger.getLogger(Problems.class.getName());
    private static final int MAX_CAUSES = 16;

    private Problems() {
    }

    public static ProblemResponse of(ProblemCode code, String detail) {
        return new ProblemResponse(Problem.of(code, detail), code.defaultRetryAfter(), null);
    }

    public static ProblemResponse classify(Throwable failure) {
        Set<Throwable> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.size() < MAX_CAUSES && seen.add(t); t = t.getCause()) {
            ProblemResponse known = known(t);
            if (known != null) {
                log(known, t);
                return known;
            }
        }
        return internal(failure);
    }

    private static ProblemResponse known(Throwable t) {
        return switch (t) {
            case ProblemException p -> of(p.code(), p.getMessage());
            case BodyTooLargeException e -> of(ProblemCode.BODY_TOO_LARGE, e.getMessage());
            case InferenceException e -> fromInference(e);
            case EJBAccessException e -> of(ProblemCode.FORBIDDEN,
                    "this operation needs a role the caller does not have");
            case WebApplicationException e -> fromStatus(e);
            case JsonbException e -> of(ProblemCode.MALFORMED_JSON, "the body is not valid JSON for this request: "
                    + oneLine(e.getMessage()));
            case JsonException e -> of(ProblemCode.MALFORMED_JSON, "the body is not valid JSON: " + oneLine(e.getMessage()));
            default -> null;
        };
    }

    /** The adapter's codes, refined where its message tells which limit was hit. */
    public static ProblemResponse fromInference(InferenceException e) {
        String detail = e.getMessage() == null ? e.code().name() : e.getMessage();
        String text = detail.toLowerCase(Locale.ROOT);
        ProblemCode code = switch (e.code()) {
            case BAD_REQUEST -> text.contains("image") && (text.contains("one image") || text.contains("already")
                    || text.contains("second") || text.contains("more than one")) ? ProblemCode.TOO_MANY_IMAGES
                    : text.contains("role") ? ProblemCode.BAD_ROLE : ProblemCode.INVALID_FIELD;
            case BAD_IMAGE -> ProblemCode.BAD_IMAGE;
            case TOO_LARGE -> text.contains("image") || text.contains("pixel")
                    ? ProblemCode.IMAGE_TOO_LARGE : ProblemCode.PROMPT_TOO_LONG;
            case QUOTA_EXCEEDED -> ProblemCode.QUOTA_EXCEEDED;
            case OVERLOADED -> ProblemCode.OVERLOADED;
            case UNAVAILABLE -> ProblemCode.UNAVAILABLE;
            case TIMEOUT -> ProblemCode.TIMEOUT;
            case NOT_FOUND -> ProblemCode.NOT_FOUND;
            case DEVICE_FAILED -> ProblemCode.DEVICE_FAILED;
            case INTERNAL -> ProblemCode.INTERNAL;
        };
        Integer retryAfter = e.retryAfterSeconds() != null && e.retryAfterSeconds() > 0 && code.defaultRetryAfter() != null
                ? e.retryAfterSeconds() : code.defaultRetryAfter();
        return new ProblemResponse(Problem.of(code, detail), retryAfter, null);
    }

    /** JAX-RS's own refusals (unknown path, wrong method or media type), as problems. */
    static ProblemResponse fromStatus(WebApplicationException e) {
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        Map<String, String> headers = new HashMap<>();
        if (e.getResponse() != null) {
            for (String name : new String[]{HttpHeaders.ALLOW, HttpHeaders.WWW_AUTHENTICATE}) {
                String value = e.getResponse().getHeaderString(name);
                if (value != null) {
                    headers.put(name, value);
                }
            }
        }
        ProblemCode code = switch (status) {
            case 400 -> ProblemCode.INVALID_FIELD;
            case 401 -> ProblemCode.UNAUTHORIZED;
            case 403 -> ProblemCode.FORBIDDEN;
            case 404 -> ProblemCode.NOT_FOUND;
            case 405 -> ProblemCode.METHOD_NOT_ALLOWED;
            case 406 -> ProblemCode.NOT_ACCEPTABLE;
            case 413 -> ProblemCode.BODY_TOO_LARGE;
            case 415 -> ProblemCode.UNSUPPORTED_MEDIA_TYPE;
            case 429 -> ProblemCode.QUOTA_EXCEEDED;
            case 503 -> ProblemCode.UNAVAILABLE;
            case 504 -> ProblemCode.TIMEOUT;
            default -> null;
        };
        if (code == null) {
            // a status without a code of ours: keep the status, say which family it is
            return new ProblemResponse(new Problem(ProblemCode.TYPE_BASE + "http-" + status,
                    status >= 500 ? "Server error" : "Request refused", status, oneLine(e.getMessage()),
                    status >= 500 ? ProblemCode.INTERNAL.name() : ProblemCode.INVALID_FIELD.name()), null, headers);
        }
        String detail = switch (code) {
            case NOT_FOUND -> "no such resource";
            case METHOD_NOT_ALLOWED -> "this resource does not accept that method"
                    + (headers.containsKey(HttpHeaders.ALLOW) ? "; allowed: " + headers.get(HttpHeaders.ALLOW) : "");
            case UNSUPPORTED_MEDIA_TYPE -> "send application/json (or multipart/form-data where documented)";
            case NOT_ACCEPTABLE -> "this resource answers application/json";
            default -> oneLine(e.getMessage());
        };
        return new ProblemResponse(Problem.of(code, detail), code.defaultRetryAfter(), headers);
    }

    /** Anything unexpected: logged whole under an incident id; the client gets the id, never a stack trace. */
    private static ProblemResponse internal(Throwable failure) {
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "GLM4V-WEB-500 incident " + incident + ": unexpected failure", failure);
        return of(ProblemCode.INTERNAL, "internal error; incident " + incident);
    }

    private static void log(ProblemResponse r, Throwable t) {
        if (r.status() >= 500) {
            LOG.log(Level.WARNING, "GLM4V-WEB-{0} {1}: {2}", new Object[]{r.status(), r.code(), r.problem().detail()});
            if (r.problem().code().equals(ProblemCode.INTERNAL.name())) {
                LOG.log(Level.FINE, "cause", t);
            }
        } else if (LOG.isLoggable(Level.FINE)) {
            LOG.fine("GLM4V-WEB-" + r.status() + " " + r.code() + ": " + r.problem().detail());
        }
    }

    static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        String line = message.strip().replaceAll("\\s+", " ");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
