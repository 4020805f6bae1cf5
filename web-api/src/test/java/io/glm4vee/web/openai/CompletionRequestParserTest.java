package io.glm4vee.web.openai;

import io.glm4vee.config.ApiSettings;
import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.web.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** OpenAI chat completion bodies -> CompletionRequest, and every refusal with its status, param and code. */
class CompletionRequestParserTest {

    static final OpenAiSettings SETTINGS = new OpenAiSettings("glm4v-shapes-demo", List.of("glm-4v"), List.of(), 1000);
    static final String PNG_URL = "data:image/png;base64," + TestImages.base64(TestImages.png(16, 16));

    private final OpenAiRequests requests = new OpenAiRequests(ApiSettings.DEFAULTS, SETTINGS);

    private CompletionRequest parse(String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return requests.read(new ByteArrayInputStream(bytes), Integer.toString(bytes.length));
    }

    private OpenAiError refused(String body) {
        return assertThrows(OpenAiException.class, () -> parse(body)).error();
    }

    @Test
    void plainTextChatWithDefaults() throws Exception {
        CompletionRequest r = parse("""
                {"model": "glm4v-shapes-demo", "messages": [{"role": "user", "content": "Who are you?"}]}""");
        assertEquals("glm4v-shapes-demo", r.model());
        assertEquals(List.of(new ChatMessage("user", "Who are you?")), r.messages());
        assertNull(r.image());
        assertEquals(256, r.maxTokens(), "glm4v.api.default-max-tokens");
        assertNull(r.temperature(), "absent: the model's generation config");
        assertFalse(r.stream());
        ChatRequest c = r.toChatRequest();
        assertNull(c.caller(), "the EJB sets the caller");
        assertNull(c.session());
        assertEquals(List.of(), c.stop());
    }

    @Test
    void anAliasNamesTheServedModel() throws Exception {
        CompletionRequest r = parse("""
                {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}]}""");
        assertEquals("glm4v-shapes-demo", r.model(), "answers name the served model");
    }

    @Test
    void contentPartsWithADataUrlImage() throws Exception {
        CompletionRequest r = parse("""
                {"model": "glm-4v", "messages": [
                  {"role": "system", "content": [{"type": "text", "text": "Be brief."}]},
                  {"role": "user", "content": [
                     {"type": "image_url", "image_url": {"url": "%s", "detail": "high"}},
                     {"type": "text", "text": "What is in the picture?"}]}]}""".formatted(PNG_URL));
        assertEquals(List.of(new ChatMessage("system", "Be brief."),
                new ChatMessage("user", "What is in the picture?", true)), r.messages());
        assertArrayEquals(TestImages.png(16, 16), r.image());
    }

    @Test
    void multiTurnKeepsRolesAndMapsDeveloperToSystem() throws Exception {
        CompletionRequest r = parse("""
                {"model": "glm-4v", "messages": [
                  {"role": "developer", "content": "Answer in one sentence."},
                  {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "%s"}}]},
                  {"role": "assistant", "content": "A red circle.", "refusal": null, "name": "bot"},
                  {"role": "user", "content": [{"type": "text", "text": "What"}, {"type": "text", "text": "colour?"}]}]}
                """.formatted(PNG_URL));
        assertEquals(List.of(new ChatMessage("system", "Answer in one sentence."), new ChatMessage("user", "", true),
                new ChatMessage("assistant", "A red circle."), new ChatMessage("user", "What\ncolour?")), r.messages());
    }

    @Test
    void generationOptions() throws Exception {
        CompletionRequest r = parse("""
                {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "max_completion_tokens": 32,
                 "temperature": 0.7, "top_p": 0.9, "seed": 42, "stop": ["\\n", "END"], "n": 1,
                 "stream": true, "stream_options": {"include_usage": true},
                 "frequency_penalty": 0, "presence_penalty": 0.0, "logprobs": false, "tools": [], "tool_choice": "none",
                 "response_format": {"type": "text"}, "user": "u-1", "store": false, "metadata": {"a": "b"},
                 "parallel_tool_calls": true, "service_tier": "auto"}""");
        assertEquals(32, r.maxTokens());
        assertEquals(0.7, r.temperature());
        assertEquals(0.9, r.topP());
        assertEquals(42L, r.seed());
        assertEquals(List.of("\n", "END"), r.stop());
        assertTrue(r.stream());
        assertTrue(r.includeUsage());
        ChatRequest c = r.toChatRequest();
        assertEquals(32, c.maxTokens());
        assertEquals(List.of("\n", "END"), c.stop());
    }

    @Test
    void maxTokensStopStringTopPZeroAndNulls() throws Exception {
        CompletionRequest r = parse("""
                {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 8, "stop": "END",
                 "top_p": 0, "seed": null, "temperature": null, "n": null, "stream": false, "stream_options": null}""");
        assertEquals(8, r.maxTokens());
        assertEquals(List.of("END"), r.stop());
        assertEquals(0.0, r.temperature(), "top_p 0 leaves only the most likely token: greedy");
        assertNull(r.topP());
        assertFalse(r.includeUsage());
    }

    /** body -> status, param, code. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            not json              | {"model": "glm-4v", "messages": [    | 400 | -                  | invalid_json
            empty body            | ' '                                  | 400 | -                  | invalid_json
            array body            | []                                   | 400 | -                  | invalid_type
            duplicate key         | {"model": "glm-4v", "model": "x", "messages": []} | 400 | - | invalid_json
            unknown field         | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "max_token": 3} | 400 | max_token | unknown_parameter
            no model              | {"messages": [{"role": "user", "content": "hi"}]} | 400 | model | missing_required_parameter
            unknown model         | {"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]} | 404 | model | model_not_found
            no messages           | {"model": "glm-4v"}                  | 400 | messages           | missing_required_parameter
            empty messages        | {"model": "glm-4v", "messages": []}  | 400 | messages           | empty_array
            messages not array    | {"model": "glm-4v", "messages": "hi"} | 400 | messages          | invalid_type
            no role               | {"model": "glm-4v", "messages": [{"content": "hi"}]} | 400 | messages[0].role | missing_required_parameter
            bad role              | {"model": "glm-4v", "messages": [{"role": "robot", "content": "hi"}]} | 400 | messages[0].role | invalid_value
            tool role             | {"model": "glm-4v", "messages": [{"role": "tool", "content": "hi", "tool_call_id": "x"}]} | 400 | messages[0].role | unsupported_value
            null content          | {"model": "glm-4v", "messages": [{"role": "user", "content": null}]} | 400 | messages[0].content | missing_required_parameter
            number content        | {"model": "glm-4v", "messages": [{"role": "user", "content": 7}]} | 400 | messages[0].content | invalid_type
            unknown message field | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi", "image": "x"}]} | 400 | messages[0].image | unknown_parameter
            audio part            | {"model": "glm-4v", "messages": [{"role": "user", "content": [{"type": "input_audio", "input_audio": {}}]}]} | 400 | messages[0].content[0].type | unsupported_value
            text part no text     | {"model": "glm-4v", "messages": [{"role": "user", "content": [{"type": "text"}]}]} | 400 | messages[0].content[0].text | missing_required_parameter
            image url missing     | {"model": "glm-4v", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}]} | 400 | messages[0].content[0].image_url.url | missing_required_parameter
            http image url        | {"model": "glm-4v", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "http://169.254.169.254/latest"}}]}]} | 400 | messages[0].content[0].image_url.url | invalid_image_url
            file image url        | {"model": "glm-4v", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "file:///etc/passwd"}}]}]} | 400 | messages[0].content[0].image_url.url | invalid_image_url
            not an image          | {"model": "glm-4v", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,aGVsbG8gd29ybGQ="}}]}]} | 400 | messages[0].content[0].image_url.url | invalid_image
            not base64            | {"model": "glm-4v", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,***"}}]}]} | 400 | messages[0].content[0].image_url.url | invalid_image
            bad detail            | {"model": "glm-4v", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:,", "detail": "max"}}]}]} | 400 | messages[0].content[0].image_url.detail | invalid_value
            last from assistant   | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Hello"}]} | 400 | messages[1].role | invalid_value
            all empty             | {"model": "glm-4v", "messages": [{"role": "user", "content": ""}]} | 400 | messages | invalid_value
            n 2                   | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "n": 2} | 400 | n | unsupported_value
            n 0                   | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "n": 0} | 400 | n | invalid_value
            max tokens 0          | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 0} | 400 | max_tokens | invalid_value
            max tokens over       | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "max_completion_tokens": 4097} | 400 | max_completion_tokens | invalid_value
            max tokens disagree   | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 5, "max_completion_tokens": 6} | 400 | max_tokens | invalid_value
            max tokens decimal    | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 5.5} | 400 | max_tokens | invalid_type
            temperature 3         | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "temperature": 3} | 400 | temperature | invalid_value
            temperature string    | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "temperature": "0.5"} | 400 | temperature | invalid_type
            top p over 1          | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "top_p": 1.5} | 400 | top_p | invalid_value
            stop 5                | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "stop": ["a","b","c","d","e"]} | 400 | stop | array_above_max_length
            stop empty            | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "stop": ""} | 400 | stop | invalid_value
            stream not boolean    | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "stream": "yes"} | 400 | stream | invalid_type
            options without stream | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "stream_options": {"include_usage": true}} | 400 | stream_options | invalid_value
            tools                 | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "tools": [{"type": "function"}]} | 400 | tools | unsupported_parameter
            logprobs              | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "logprobs": true} | 400 | logprobs | unsupported_parameter
            json mode             | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "response_format": {"type": "json_object"}} | 400 | response_format | unsupported_parameter
            penalty               | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "presence_penalty": 0.5} | 400 | presence_penalty | unsupported_parameter
            reasoning             | {"model": "glm-4v", "messages": [{"role": "user", "content": "hi"}], "reasoning_effort": "low"} | 400 | reasoning_effort | unsupported_parameter
            assistant tool calls  | {"model": "glm-4v", "messages": [{"role": "assistant", "content": "x", "tool_calls": [{"id": "1"}]}, {"role": "user", "content": "hi"}]} | 400 | messages[0] | unsupported_parameter
            image in assistant    | {"model": "glm-4v", "messages": [{"role": "assistant", "content": [{"type": "image_url", "image_url": {"url": "data:,"}}]}, {"role": "user", "content": "hi"}]} | 400 | messages[0].content[0] | invalid_value
            """)
    void refusals(String name, String body, int status, String param, String code) {
        OpenAiError e = refused(body.equals("' '") ? " " : body);
        assertEquals(status, e.status(), e.toString());
        assertEquals("-".equals(param) ? null : param, e.param(), e.toString());
        assertEquals(code, e.code(), e.toString());
        assertEquals(OpenAiError.typeFor(status), e.type());
        assertFalse(e.message().isBlank());
    }

    @Test
    void oneImagePerConversation() {
        OpenAiError e = refused("""
                {"model": "glm-4v", "messages": [
                  {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "%1$s"}}, {"type": "text", "text": "a"}]},
                  {"role": "assistant", "content": "A red circle."},
                  {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "%1$s"}}]}]}""".formatted(PNG_URL));
        assertEquals(400, e.status());
        assertEquals("too_many_images", e.code());
        assertEquals("messages[2].content[0]", e.param());
        assertTrue(e.message().contains("messages[0].content[0]"), e.message());
    }

    @Test
    void textOverTheLimitIsContextLengthExceeded() {
        String big = "x".repeat(ApiSettings.DEFAULTS.maxTextChars() + 1);
        OpenAiError e = refused("""
                {"model": "glm-4v", "messages": [{"role": "user", "content": "%s"}]}""".formatted(big));
        assertEquals(400, e.status());
        assertEquals("context_length_exceeded", e.code());
        assertEquals("messages", e.param());
    }

    @Test
    void anImageOverTheByteLimit() {
        ApiSettings small = new ApiSettings(1 << 20, 100, 1_000_000, 64, 1000, 16, 64);
        OpenAiRequests strict = new OpenAiRequests(small, SETTINGS);
        byte[] body = """
                {"model": "glm-4v", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "%s"}}]}]}"""
                .formatted(PNG_URL).getBytes(StandardCharsets.UTF_8);
        OpenAiError e = assertThrows(OpenAiException.class,
                () -> strict.read(new ByteArrayInputStream(body), null)).error();
        assertEquals("image_too_large", e.code());
        assertEquals(400, e.status());
    }

    @Test
    void aBodyOverTheLimitIs413() {
        ApiSettings small = new ApiSettings(64, 100, 1_000_000, 64, 1000, 16, 64);
        OpenAiRequests strict = new OpenAiRequests(small, SETTINGS);
        byte[] body = ("{\"model\": \"glm-4v\", \"messages\": [{\"role\": \"user\", \"content\": \"" + "x".repeat(100)
                + "\"}]}").getBytes(StandardCharsets.UTF_8);
        for (String length : new String[]{Integer.toString(body.length), null}) {
            Exception e = assertThrows(Exception.class, () -> strict.read(new ByteArrayInputStream(body), length));
            OpenAiError error = OpenAiErrors.classify(e).error();
            assertEquals(413, error.status());
            assertEquals("request_too_large", error.code());
        }
    }

    @Test
    void completionIdsLookLikeOpenAis() {
        String id = OpenAiRequests.completionId();
        assertTrue(id.matches("chatcmpl-[0-9a-f]{24}"), id);
        assertFalse(id.equals(OpenAiRequests.completionId()));
    }
}
