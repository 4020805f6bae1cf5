package io.glm4vee.web;

import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;
import io.glm4vee.web.problem.BodyTooLargeException;
import io.glm4vee.web.problem.ProblemCode;
import io.glm4vee.web.problem.ProblemException;
import io.glm4vee.web.problem.ProblemResponse;
import io.glm4vee.web.problem.Problems;
import jakarta.ejb.EJBAccessException;
import jakarta.ejb.EJBException;
import jakarta.ejb.EJBTransactionRolledbackException;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import jakarta.json.stream.JsonParsingException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProblemsTest {

    /** The contract table: code -> status and whether Retry-After is sent. */
    @ParameterizedTest
    @CsvSource({
            "MALFORMED_JSON, 400, false", "INVALID_FIELD, 400, false", "EMPTY_MESSAGES, 400, false",
            "BAD_ROLE, 400, false", "BAD_IMAGE, 400, false", "TOO_MANY_IMAGES, 400, false",
            "UNAUTHORIZED, 401, false", "FORBIDDEN, 403, false", "NOT_FOUND, 404, false",
            "METHOD_NOT_ALLOWED, 405, false", "NOT_ACCEPTABLE, 406, false",
            "BODY_TOO_LARGE, 413, false", "IMAGE_TOO_LARGE, 413, false", "PROMPT_TOO_LONG, 413, false",
            "UNSUPPORTED_MEDIA_TYPE, 415, false", "QUOTA_EXCEEDED, 429, true", "INTERNAL, 500, false",
            "OVERLOADED, 503, true", "UNAVAILABLE, 503, true", "DEVICE_FAILED, 503, true", "TIMEOUT, 504, false"})
    void everyCodeHasOneStatus(ProblemCode code, int status, boolean retryAfter) {
        assertEquals(status, code.status());
        ProblemResponse r = Problems.classify(new ProblemException(code, "detail"));
        assertEquals(status, r.status());
        assertEquals(code.name(), r.code());
        assertEquals(retryAfter, r.retryAfterSeconds() != null, "Retry-After for " + code);
        assertEquals("https://glm4v-ee.dev/problems/" + code.name().toLowerCase().replace('_', '-'), r.problem().type());
    }

    @Test
    void everyCodeIsInTheContractTable() {
        assertEquals(21, ProblemCode.values().length, "add new codes to the table above and to the README");
    }

    @ParameterizedTest
    @CsvSource({
            "BAD_REQUEST, 'max_tokens must be positive', 400, INVALID_FIELD",
            "BAD_REQUEST, 'unknown role robot', 400, BAD_ROLE",
            "BAD_REQUEST, 'the session already has an image; one image per conversation', 400, TOO_MANY_IMAGES",
            "BAD_IMAGE, 'cannot read PNG image: truncated', 400, BAD_IMAGE",
            "TOO_LARGE, 'image is 9000x9000 (81000000 pixels), over the limit', 413, IMAGE_TOO_LARGE",
            "TOO_LARGE, 'prompt is 9000 tokens, over the context of 8192', 413, PROMPT_TOO_LONG",
            "QUOTA_EXCEEDED, 'quota of 1000 tokens used', 429, QUOTA_EXCEEDED",
            "OVERLOADED, 'every context queue is full', 503, OVERLOADED",
            "UNAVAILABLE, 'no context in service', 503, UNAVAILABLE",
            "TIMEOUT, 'no answer within 300 s', 504, TIMEOUT",
            "NOT_FOUND, 'no session s-1', 404, NOT_FOUND",
            "DEVICE_FAILED, 'card cpu:1 failed', 503, DEVICE_FAILED",
            "INTERNAL, 'bug', 500, INTERNAL"})
    void adapterCodesMapToProblems(Code code, String message, int status, ProblemCode expected) {
        ProblemResponse r = Problems.classify(new InferenceException(code, message));
        assertEquals(status, r.status());
        assertEquals(expected.name(), r.code());
        assertEquals(message, r.problem().detail());
    }

    @ParameterizedTest
    @EnumSource(Code.class)
    void everyAdapterCodeIsMapped(Code code) {
        ProblemResponse r = Problems.classify(new InferenceException(code, "x"));
        assertTrue(r.status() >= 400 && r.status() < 600);
        assertTrue(r.code() != null && !r.code().isEmpty());
    }

    @Test
    void retryAfterComesFromTheAdapterOrTheCodesDefault() {
        assertEquals(7, Problems.classify(new InferenceException(Code.OVERLOADED, "full", 7, null)).retryAfterSeconds());
        assertEquals(1, Problems.classify(new InferenceException(Code.OVERLOADED, "full")).retryAfterSeconds());
        assertEquals(5, Problems.classify(new InferenceException(Code.UNAVAILABLE, "down")).retryAfterSeconds());
        assertEquals(30, Problems.classify(new InferenceException(Code.DEVICE_FAILED, "card")).retryAfterSeconds());
        assertEquals(120, Problems.classify(new InferenceException(Code.QUOTA_EXCEEDED, "q", 120, null)).retryAfterSeconds());
        assertNull(Problems.classify(new InferenceException(Code.TIMEOUT, "slow", 9, null)).retryAfterSeconds(),
                "a timeout is no overload: no Retry-After");
    }

    @Test
    void ejbWrappedFailuresAreUnwrapped() {
        InferenceException inner = new InferenceException(Code.NOT_FOUND, "no job j-9");
        assertEquals("NOT_FOUND", Problems.classify(new EJBException(inner)).code());
        assertEquals("NOT_FOUND", Problems.classify(new EJBTransactionRolledbackException("rolled back", inner)).code());
        assertEquals("FORBIDDEN", Problems.classify(new EJBAccessException("not in role inference-admin")).code());
        assertEquals(403, Problems.classify(new EJBAccessException("denied")).status());
        ProblemResponse unknown = Problems.classify(new EJBException(new IllegalStateException("db down")));
        assertEquals("INTERNAL", unknown.code());
        assertFalse(unknown.json().contains("db down"), "no internals in the body");
        assertTrue(unknown.problem().detail().startsWith("internal error; incident "));
    }

    @Test
    void jsonFailuresAreMalformedJsonWhereverTheyAreWrapped() {
        assertEquals("MALFORMED_JSON", Problems.classify(new JsonbException("Unexpected char")).code());
        assertEquals("MALFORMED_JSON", Problems.classify(
                new ProcessingException(new JsonbException("x", new JsonParsingException("eof", null)))).code());
        assertEquals(400, Problems.classify(new RuntimeException(new JsonbException("x"))).status());
    }

    @Test
    void bodyTooLargeIsFoundInsideReaderWrappers() {
        ProblemResponse r = Problems.classify(new ProcessingException(new BodyTooLargeException(100)));
        assertEquals(413, r.status());
        assertEquals("BODY_TOO_LARGE", r.code());
    }

    @Test
    void jaxRsRefusalsBecomeProblems() {
        ProblemResponse notFound = Problems.classify(new NotFoundException());
        assertEquals(404, notFound.status());
        assertEquals("NOT_FOUND", notFound.code());

        ProblemResponse notAllowed = Problems.classify(new NotAllowedException("POST"));
        assertEquals(405, notAllowed.status());
        assertEquals("METHOD_NOT_ALLOWED", notAllowed.code());
        assertEquals("POST", notAllowed.headers().get("Allow"));

        assertEquals("UNSUPPORTED_MEDIA_TYPE", Problems.classify(new NotSupportedException()).code());
    }

    @Test
    void theResponseIsProblemJsonWithRetryAfter() throws Exception {
        Response r = Problems.classify(new InferenceException(Code.OVERLOADED, "every queue is full", 3, null)).toResponse();
        assertEquals(503, r.getStatus());
        assertEquals("application/problem+json", r.getMediaType().toString());
        assertEquals("3", r.getHeaderString("Retry-After"));
        @SuppressWarnings("unchecked")
        Map<String, Object> body = JsonbBuilder.create().fromJson((String) r.getEntity(), Map.class);
        assertEquals(Map.of("type", "https://glm4v-ee.dev/problems/overloaded", "title", "Overloaded",
                "status", java.math.BigDecimal.valueOf(503), "detail", "every queue is full", "code", "OVERLOADED"), body);
    }

    @Test
    void anUnexpectedFailureIsA500WithoutStackTrace() {
        ProblemResponse r = Problems.classify(new NullPointerException("secret.internal.Field was null"));
        assertEquals(500, r.status());
        assertEquals("INTERNAL", r.code());
        assertFalse(r.json().contains("secret"), r.json());
        assertFalse(r.json().contains("at io.glm4vee"), r.json());
    }
}
