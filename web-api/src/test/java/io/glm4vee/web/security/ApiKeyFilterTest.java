package io.glm4vee.web.security;

import io.glm4vee.config.ApiKeys;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.FilterChain;
import org.junit.jupiter.api.Test;

import java.io.StringReader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With keys, callers nobody logged in get 401 in their API's format; without keys everyone passes. */
class ApiKeyFilterTest {

    private final Fakes.Request request = new Fakes.Request();
    private final Fakes.Response response = new Fakes.Response();
    private final ApiKeyFilter filter = new ApiKeyFilter();
    private boolean passed;
    private final FilterChain chain = (req, res) -> passed = true;

    ApiKeyFilterTest() {
        filter.config = new ApiKeysConfig();
        filter.config.keys = ApiKeys.parse("user-key-0123456789:alice:inference-user");
    }

    @Test
    void aRequestWithoutAKeyIs401ProblemJsonOnTheNativeApi() throws Exception {
        filter.doFilter(request.proxy, response.proxy, chain);
        assertFalse(passed, "nothing behind the filter ran");
        assertEquals(401, response.status);
        assertEquals("Bearer realm=\"glm4v\"", response.headers.get("WWW-Authenticate"));
        assertEquals("application/problem+json", response.contentType);
        JsonObject problem = Json.createReader(new StringReader(response.body())).readObject();
        assertEquals("UNAUTHORIZED", problem.getString("code"));
        assertEquals(401, problem.getInt("status"));
    }

    @Test
    void aWrongKeyIs401InvalidTokenAndAnOpenAiErrorOnV1() throws Exception {
        request.uri = "/v1/chat/completions";
        request.headers.put("Authorization", "Bearer nope");
        filter.doFilter(request.proxy, response.proxy, chain);
        assertFalse(passed);
        assertEquals(401, response.status);
        assertEquals("Bearer realm=\"glm4v\", error=\"invalid_token\"", response.headers.get("WWW-Authenticate"));
        assertEquals("application/json", response.contentType);
        JsonObject error = Json.createReader(new StringReader(response.body())).readObject().getJsonObject("error");
        assertEquals("invalid_api_key", error.getString("code"));
        assertEquals("authentication_error", error.getString("type"));
        assertTrue(error.isNull("param"));
    }

    @Test
    void aLoggedInCallerPasses() throws Exception {
        request.principal = () -> "alice";
        filter.doFilter(request.proxy, response.proxy, chain);
        assertTrue(passed);
        assertEquals(200, response.status);
    }

    @Test
    void withoutKeysEveryonePasses() throws Exception {
        filter.config.keys = ApiKeys.none();
        filter.doFilter(request.proxy, response.proxy, chain);
        assertTrue(passed);
    }
}
