package io.glm4vee.web;

import io.glm4vee.config.ApiSettings;
import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.web.dto.ChatBody;
import io.glm4vee.web.problem.ProblemCode;
import io.glm4vee.web.problem.ProblemException;
import io.glm4vee.web.request.ChatRequests;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Native JSON and multipart bodies -> the client API's ChatRequest. */
class ChatMappingTest {

    private final ChatRequests requests = new ChatRequests(ApiSettings.DEFAULTS);

    private ChatRequest json(String body) throws Exception {
        ChatBody parsed = requests.readJson(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        return requests.fromJson(parsed);
    }

    @Test
    void textOnlyConversationWithDefaults() throws Exception {
        ChatRequest r = json("""
                {"messages": [{"role": "system", "content": "Be brief."},
                              {"role": "user", "content": "Who are you?"}]}""");
        assertNull(r.caller(), "the EJB sets the caller from the principal");
        assertEquals(List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Who are you?")), r.messages());
        assertNull(r.image());
        assertEquals(256, r.maxTokens(), "glm4v.api.default-max-tokens");
        assertNull(r.temperature());
        assertNull(r.topP());
        assertNull(r.topK());
        assertNull(r.seed());
        assertEquals(List.of(), r.stop());
        assertNull(r.session());
    }

    @Test
    void everyOptionIsCarriedOver() throws Exception {
        ChatRequest r = json("""
                {"messages": [{"role": "user", "content": "Again?"}], "max_tokens": 32, "temperature": 0.7,
                 "top_p": 0.9, "seed": 42, "session": "s-123"}""");
        assertEquals(32, r.maxTokens());
        assertEquals(0.7, r.temperature());
        assertEquals(0.9, r.topP());
        assertEquals(42L, r.seed());
        assertEquals("s-123", r.session());
    }

    @Test
    void explicitNullsAreAbsentValues() throws Exception {
        ChatRequest r = json("""
                {"messages": [{"role": "user", "content": "hi", "image": null}], "max_tokens": null,
                 "temperature": null, "top_p": null, "seed": null, "session": null}""");
        assertEquals(256, r.maxTokens());
        assertFalse(r.messages().getFirst().image());
        assertNull(r.session());
    }

    @Test
    void theImageGoesWithItsMessageAsBytes() throws Exception {
        byte[] png = TestImages.png(32, 24);
        ChatRequest r = json("""
                {"messages": [{"role": "user", "content": "What is it?", "image": "%s"},
                              {"role": "assistant", "content": "A red circle."},
                              {"role": "user", "content": "What colour?"}]}""".formatted(TestImages.base64(png)));
        assertArrayEquals(png, r.image());
        assertEquals(List.of(true, false, false), r.messages().stream().map(ChatMessage::image).toList());
    }

    @Test
    void imageOnlyMessageNeedsNoText() throws Exception {
        byte[] jpeg = TestImages.jpeg(16, 16);
        ChatRequest r = json("""
                {"messages": [{"role": "user", "image": "%s"}]}""".formatted(TestImages.base64(jpeg)));
        assertEquals(new ChatMessage("user", "", true), r.messages().getFirst());
        assertArrayEquals(jpeg, r.image());
    }

    @Test
    void imagesMayComeAsDataUrlsUrlSafeBase64OrWithLineBreaks() throws Exception {
        byte[] png = TestImages.png(40, 40);
        String plain = TestImages.base64(png);
        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(png);
        String mime = Base64.getMimeEncoder().encodeToString(png).replace("\r\n", "\\r\\n");
        for (String image : List.of("data:image/png;base64," + plain, urlSafe, mime)) {
            ChatRequest r = json("{\"messages\": [{\"role\": \"user\", \"content\": \"?\", \"image\": \"" + image + "\"}]}");
            assertArrayEquals(png, r.image(), image.substring(0, 30));
        }
    }

    @Test
    void observationMayEndTheConversation() throws Exception {
        ChatRequest r = json("""
                {"messages": [{"role": "user", "content": "weather?"}, {"role": "assistant", "content": "call"},
                              {"role": "observation", "content": "{\\"temp\\": 20}"}]}""");
        assertEquals("observation", r.messages().getLast().role());
    }

    @Test
    void limitsFollowTheSettings() {
        ChatRequests strict = new ChatRequests(new ApiSettings(1000, 10, 100, 2, 10, 4, 8));
        ProblemException e = assertThrows(ProblemException.class, () -> strict.fromJson(new ChatBody(
                List.of(new io.glm4vee.web.dto.MessageBody("user", "0123456789x", null)), null, null, null, null, null)));
        assertEquals(ProblemCode.PROMPT_TOO_LONG, e.code());
        e = assertThrows(ProblemException.class, () -> strict.fromJson(new ChatBody(
                List.of(new io.glm4vee.web.dto.MessageBody("user", "hi", null)), 9, null, null, null, null)));
        assertEquals(ProblemCode.INVALID_FIELD, e.code());
        assertTrue(e.getMessage().startsWith("max_tokens: must be between 1 and 8"), e.getMessage());
        e = assertThrows(ProblemException.class, () -> strict.fromJson(new ChatBody(List.of(
                new io.glm4vee.web.dto.MessageBody("user", "a", TestImages.base64(TestImages.png(8, 8)))),
                null, null, null, null, null)));
        assertEquals(ProblemCode.IMAGE_TOO_LARGE, e.code());
        assertEquals(4, strict.fromJson(new ChatBody(List.of(new io.glm4vee.web.dto.MessageBody("user", "hi", null)),
                null, null, null, null, null)).maxTokens());
    }

    @Test
    void errorsNameTheField() {
        ProblemException e = assertThrows(ProblemException.class, () -> json("""
                {"messages": [{"role": "user", "content": "hi"}, {"role": "user", "content": 3}]}"""));
        assertEquals(ProblemCode.INVALID_FIELD, e.code());
        assertEquals("messages[1].content: expected a string, got a number 3", e.getMessage());
        e = assertThrows(ProblemException.class, () -> json("{\"messages\": [{\"role\": \"bot\", \"content\": \"x\"}]}"));
        assertEquals("messages[0].role: 'bot' is not one of system, user, assistant, observation", e.getMessage());
        e = assertThrows(ProblemException.class, () -> json("{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"temprature\": 1}"));
        assertTrue(e.getMessage().startsWith("temprature: unknown field"), e.getMessage());
        e = assertThrows(ProblemException.class, () -> json("{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}"));
        assertEquals(ProblemCode.MALFORMED_JSON, e.code());
    }

    @Test
    void multipartFormBecomesOneUserMessageWithTheImage() {
        byte[] png = TestImages.png(20, 20);
        ChatRequest r = requests.fromForm(List.of(
                FakePart.text("prompt", "What shape is it?"),
                FakePart.file("image", "red.png", png),
                FakePart.text("max_tokens", "16"),
                FakePart.text("temperature", "0.5"),
                FakePart.text("seed", "7"),
                FakePart.text("session", "")));
        assertEquals(List.of(new ChatMessage("user", "What shape is it?", true)), r.messages());
        assertArrayEquals(png, r.image());
        assertEquals(16, r.maxTokens());
        assertEquals(0.5, r.temperature());
        assertEquals(7L, r.seed());
        assertNull(r.session(), "an empty form field is an absent one");
    }

    @Test
    void multipartWithoutFileOrWithEmptyFileIsTextOnly() {
        ChatRequest r = requests.fromForm(List.of(FakePart.text("prompt", "Who are you?"),
                FakePart.file("image", "", new byte[0])));
        assertNull(r.image());
        assertFalse(r.messages().getFirst().image());
        assertEquals(256, r.maxTokens());
    }
}
