package io.glm4vee.web;

import io.glm4vee.config.ApiSettings;
import io.glm4vee.web.problem.ProblemCode;
import io.glm4vee.web.problem.ProblemResponse;
import io.glm4vee.web.problem.Problems;
import io.glm4vee.web.request.ChatRequests;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Replays bad-requests.json (the file the integration tests replay against a real server)
 * through the REST layer's parsing, checks and problem mapping.
 */
class BadRequestsTest {

    private static final Jsonb JSONB = JsonbBuilder.create();
    private static final Set<String> LAYERS = Set.of("rest", "jaxrs", "adapter", "ejb");
    private final ChatRequests requests = new ChatRequests(ApiSettings.DEFAULTS);

    static List<BadRequestCase> cases() throws Exception {
        try (InputStream in = BadRequestsTest.class.getResourceAsStream("/bad-requests.json")) {
            assertNotNull(in, "bad-requests.json on the test class path");
            return Arrays.asList(JSONB.fromJson(in, BadRequestCase[].class));
        }
    }

    static List<BadRequestCase> restCases() throws Exception {
        return cases().stream().filter(c -> "rest".equals(c.checkedBy())).toList();
    }

    @Test
    void theFileIsWellFormed() throws Exception {
        List<BadRequestCase> cases = cases();
        assertTrue(restCases().size() >= 20, "at least 20 bad inputs checked by the REST layer");
        Set<String> names = new HashSet<>();
        for (BadRequestCase c : cases) {
            assertTrue(names.add(c.name()), "duplicate name " + c.name());
            assertTrue(c.name().matches("[a-z0-9-]+"), c.name());
            assertTrue(LAYERS.contains(c.checkedBy()), c.name() + ": checked_by " + c.checkedBy());
            assertTrue(c.path().startsWith("/api/v1/"), c.name());
            assertTrue(Set.of("GET", "POST", "DELETE").contains(c.method()), c.name());
            ProblemCode code = ProblemCode.valueOf(c.code());
            assertEquals(code.status(), c.status(), c.name() + ": status of " + code);
            assertEquals(c.repeat() != null, c.body().contains(BadRequestCase.MARKER), c.name() + ": repeat and marker");
        }
        Set<String> covered = new HashSet<>();
        cases.forEach(c -> covered.add(c.code()));
        assertTrue(covered.containsAll(Set.of("MALFORMED_JSON", "INVALID_FIELD", "EMPTY_MESSAGES", "BAD_ROLE",
                "BAD_IMAGE", "TOO_MANY_IMAGES", "IMAGE_TOO_LARGE", "BODY_TOO_LARGE", "PROMPT_TOO_LONG", "NOT_FOUND",
                "METHOD_NOT_ALLOWED", "UNSUPPORTED_MEDIA_TYPE", "FORBIDDEN")), covered.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("restCases")
    void refusedWithItsCode(BadRequestCase c) throws Exception {
        ProblemResponse answer;
        try {
            if (c.contentType().startsWith("multipart/form-data")) {
                requests.fromForm(List.copyOf(FakePart.parse(c.contentType(), c.expandedBody())));
            } else {
                requests.fromJson(requests.readJson(new ByteArrayInputStream(c.bodyBytes())));
            }
            fail(c.name() + ": accepted, expected " + c.status() + " " + c.code());
            return;
        } catch (Exception e) {
            answer = Problems.classify(e);
        }
        assertEquals(c.code(), answer.code(), c.name() + ": " + answer.problem().detail());
        assertEquals(c.status(), answer.status(), c.name());
        assertTrue(answer.problem().detail() != null && !answer.problem().detail().isBlank(), c.name());
        // the parser keeps no state: the next good request goes through
        assertEquals("ok", requests.fromJson(requests.readJson(new ByteArrayInputStream(
                "{\"messages\": [{\"role\": \"user\", \"content\": \"ok\"}]}".getBytes()))).messages().getFirst().content());
    }
}
