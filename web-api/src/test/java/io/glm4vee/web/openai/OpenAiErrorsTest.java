package io.glm4vee.web.openai;

import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;
import io.glm4vee.web.problem.BodyTooLargeException;
import io.glm4vee.web.problem.ProblemCode;
import io.glm4vee.web.problem.ProblemException;
import jakarta.ejb.EJBAccessException;
import jakarta.ejb.EJBException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonParsingException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.StringReader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failures -> OpenAI error objects with the status the SDKs type. */
class OpenAiErrorsTest {

    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s)).readObject();
    }

    /** The adapter's codes: status, type, code, Retry-After. */
    @ParameterizedTest
    @CsvSource({
            "BAD_REQUEST, stop[0] is empty,                          400, invalid_request_error, -,                       false",
            "BAD_REQUEST, glm-4v takes one image per conversation but, 400, invalid_request_error, too_many_images,       false",
            "BAD_IMAGE, cannot decode the PNG,                        400, invalid_request_error, invalid_image,          false",
            "TOO_LARGE, the prompt has 900 tokens; maxSequenceLength is 512, 400, invalid_request_error, context_length_exceeded, false",
            "TOO_LARGE, image of 9000x9000 pixels,                    400, invalid_request_error, image_too_large,        false",
            "QUOTA_EXCEEDED, the caller used its quota,               429, rate_limit_error,      insufficient_quota,     true",
            "OVERLOADED, every context queue is full,                 503, server_error,          overloaded,             true",
            "UNAVAILABLE, the adapter is not started,                 503, server_error,          unavailable,            true",
            "DEVICE_FAILED, ctx-0 failed,                             503, server_error,          device_failed,          true",
            "TIMEOUT, the request passed requestTimeoutSeconds,       504, server_error,          timeout,                false",
            "NOT_FOUND, no session s-1,                               404, not_found_error,       not_found,              false",
            "INTERNAL, a bug,                                         500, server_error,          internal_error,         false"})
    void adapterCodes(Code code, String message, int status, String type, String errorCode, boolean retryAfter) {
        OpenAiError e = OpenAiErrors.classify(new InferenceException(code, message)).error();
        assertEquals(status, e.status(), e.toString());
        assertEquals(type, e.type());
        assertEquals("-".equals(errorCode) ? null : errorCode, e.code());
        assertEquals(retryAfter, e.retryAfterSeconds() != null, "Retry-After " + e);
    }

    @Test
    void theAdaptersRetryAfterWins() {
        OpenAiError e = OpenAiErrors.classify(new InferenceException(Code.OVERLOADED, "full", 7, null)).error();
        assertEquals(7, e.retryAfterSeconds());
        Response r = OpenAiErrors.classify(new InferenceException(Code.OVERLOADED, "full", 7, null)).toResponse();
        assertEquals(503, r.getStatus());
        assertEquals("7", r.getHeaderString("Retry-After"));
        assertEquals("application/json", r.getMediaType().toString());
    }

    @ParameterizedTest
    @EnumSource(ProblemCode.class)
    void everyNativeCodeHasAnOpenAiError(ProblemCode code) {
        OpenAiError e = OpenAiErrors.classify(new ProblemException(code, "detail")).error();
        int expected = switch (code) {
            case IMAGE_TOO_LARGE, PROMPT_TOO_LONG -> 400; // OpenAI's SDKs expect 400 for these
            default -> code.status();
        };
        assertEquals(expected, e.status(), code.name());
        assertEquals(OpenAiError.typeFor(expected), e.type());
        assertEquals(code.defaultRetryAfter(), e.retryAfterSeconds());
        if (code != ProblemCode.INVALID_FIELD && code != ProblemCode.EMPTY_MESSAGES && code != ProblemCode.BAD_ROLE) {
            assertNotNull(e.code(), code.name());
        }
    }

    @Test
    void runtimeAndContainerFailures() {
        assertEquals(403, OpenAiErrors.classify(new EJBAccessException("no role")).error().status());
        assertEquals("permission_error", OpenAiErrors.classify(new EJBAccessException("no")).error().type());
        OpenAiError wrapped = OpenAiErrors.classify(new EJBException(new InferenceException(Code.OVERLOADED, "x")))
                .error();
        assertEquals(503, wrapped.status());
        assertEquals(413, OpenAiErrors.classify(new BodyTooLargeException(10)).error().status());
        assertEquals(415, OpenAiErrors.classify(new NotSupportedException()).error().status());
        assertEquals(404, OpenAiErrors.classify(new NotFoundException()).error().status());
        OpenAiErrors.Answer notAllowed = OpenAiErrors.classify(new NotAllowedException("POST"));
        assertEquals(405, notAllowed.error().status());
        assertEquals("POST", notAllowed.toResponse().getHeaderString("Allow"));
        assertEquals("invalid_json", OpenAiErrors.classify(new JsonParsingException("bad", null)).error().code());
        OpenAiError bug = OpenAiErrors.classify(new IllegalStateException("secret internals")).error();
        assertEquals(500, bug.status());
        assertTrue(bug.message().contains("incident"), bug.message());
        assertTrue(!bug.message().contains("secret internals"), "no internals in the answer");
    }

    @Test
    void theWireObjectHasEveryFieldNullsIncluded() {
        JsonObject body = json(OpenAiJson.error(OpenAiError.of(500, "boom", null, null)));
        JsonObject error = body.getJsonObject("error");
        assertEquals("boom", error.getString("message"));
        assertEquals("server_error", error.getString("type"));
        assertTrue(error.isNull("param"));
        assertTrue(error.isNull("code"));
        assertEquals(1, body.size());

        JsonObject named = json(OpenAiJson.error(OpenAiError.invalid("n", "unsupported_value", "n=2"))).getJsonObject("error");
        assertEquals("n", named.getString("param"));
        assertEquals("unsupported_value", named.getString("code"));
        assertEquals("invalid_request_error", named.getString("type"));
    }

    @Test
    void typesByStatus() {
        assertEquals("invalid_request_error", OpenAiError.typeFor(400));
        assertEquals("authentication_error", OpenAiError.typeFor(401));
        assertEquals("permission_error", OpenAiError.typeFor(403));
        assertEquals("not_found_error", OpenAiError.typeFor(404));
        assertEquals("invalid_request_error", OpenAiError.typeFor(413));
        assertEquals("rate_limit_error", OpenAiError.typeFor(429));
        assertEquals("server_error", OpenAiError.typeFor(500));
        assertEquals("server_error", OpenAiError.typeFor(503));
    }

    @Test
    void aCompletionObject() {
        JsonObject c = json(OpenAiJson.completion("chatcmpl-9", 42L, "glm4v-shapes-demo",
                new ChatResponse("A red circle.", "stop", 14, 6, null, "ctx-0")));
        assertEquals("chatcmpl-9", c.getString("id"));
        assertEquals("chat.completion", c.getString("object"));
        assertEquals(42, c.getInt("created"));
        assertEquals("glm4v-shapes-demo", c.getString("model"));
        JsonObject choice = c.getJsonArray("choices").getJsonObject(0);
        assertEquals(0, choice.getInt("index"));
        assertEquals("assistant", choice.getJsonObject("message").getString("role"));
        assertEquals("A red circle.", choice.getJsonObject("message").getString("content"));
        assertTrue(choice.getJsonObject("message").isNull("refusal"));
        assertEquals("stop", choice.getString("finish_reason"));
        assertEquals(14, c.getJsonObject("usage").getInt("prompt_tokens"));
        assertEquals(6, c.getJsonObject("usage").getInt("completion_tokens"));
        assertEquals(20, c.getJsonObject("usage").getInt("total_tokens"));
        assertEquals("length", OpenAiJson.finishReason("length"));
        assertEquals("stop", OpenAiJson.finishReason("cancelled"));
        assertNull(c.get("context"), "operator details stay out of OpenAI objects");
    }

    @Test
    void modelObjects() {
        JsonObject list = json(OpenAiJson.models(java.util.List.of("glm4v-shapes-demo"), 5L));
        assertEquals("list", list.getString("object"));
        JsonObject m = list.getJsonArray("data").getJsonObject(0);
        assertEquals("glm4v-shapes-demo", m.getString("id"));
        assertEquals("model", m.getString("object"));
        assertEquals(5, m.getInt("created"));
        assertEquals("glm4v-ee", m.getString("owned_by"));
    }
}
