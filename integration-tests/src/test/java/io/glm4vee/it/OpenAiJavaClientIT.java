package io.glm4vee.it;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import com.openai.models.models.Model;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAI-compatible API through OpenAI's own Java SDK (com.openai:openai-java), unmodified:
 * only the base URL is set (and a placeholder API key, which the SDK insists on and the server
 * does not read).
 */
@ExtendWith(ArquillianExtension.class)
public class OpenAiJavaClientIT {

    @Deployment(testable = false)
    public static EnterpriseArchive deployment() {
        return Deployments.application();
    }

    private final OpenAIClient client = OpenAIOkHttpClient.builder()
            .baseUrl(OpenAiIt.baseUrl())
            .apiKey("unused")
            .build();

    @AfterEach
    void close() {
        client.close();
    }

    private static ChatCompletionContentPart text(String text) {
        return ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text(text).build());
    }

    private static ChatCompletionContentPart image(String dataUrl) {
        return ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder().url(dataUrl).build()).build());
    }

    private static ChatCompletionCreateParams.Builder pictureQuestion(String model) {
        return ChatCompletionCreateParams.builder()
                .model(model)
                .addUserMessageOfArrayOfContentParts(List.of(text(OpenAiIt.PICTURE_QUESTION),
                        image(OpenAiIt.dataUrl("red_circle.png"))));
    }

    @Test
    void theServedModelIsListed() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertEquals(List.of(OpenAiIt.MODEL), ids);
        assertEquals(OpenAiIt.ALIAS, client.models().retrieve(OpenAiIt.ALIAS).id());
    }

    @Test
    void aPicture() {
        ChatCompletion c = client.chat().completions().create(pictureQuestion(OpenAiIt.MODEL).build());
        assertTrue(c.id().startsWith("chatcmpl-"), c.id());
        assertEquals(OpenAiIt.MODEL, c.model());
        assertEquals(1, c.choices().size());
        ChatCompletion.Choice choice = c.choices().getFirst();
        assertEquals(Examples.RED_CIRCLE, choice.message().content().orElseThrow());
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, choice.finishReason());
        CompletionUsage usage = c.usage().orElseThrow();
        assertTrue(usage.promptTokens() > 0 && usage.completionTokens() > 0, usage.toString());
        assertEquals(usage.promptTokens() + usage.completionTokens(), usage.totalTokens());
    }

    @Test
    void plainTextUnderTheAlias() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model(OpenAiIt.ALIAS)
                .addUserMessage("Who are you?")
                .build());
        assertEquals(OpenAiIt.MODEL, c.model(), "the answer names the served model");
        assertEquals(Examples.GREETING, c.choices().getFirst().message().content().orElseThrow());
    }

    @Test
    void streaming() {
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                pictureQuestion(OpenAiIt.MODEL)
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                        .build())) {
            stream.stream().forEach(chunks::add);
        }
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk.Choice.FinishReason> reasons = new ArrayList<>();
        for (ChatCompletionChunk chunk : chunks) {
            assertEquals(OpenAiIt.MODEL, chunk.model());
            assertEquals(chunks.getFirst().id(), chunk.id(), "one id for the whole stream");
            for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                choice.delta().content().ifPresent(text::append);
                choice.finishReason().ifPresent(reasons::add);
            }
        }
        assertTrue(chunks.size() >= 4, "role, text pieces, finish, usage: " + chunks.size());
        assertEquals(Examples.RED_CIRCLE, text.toString());
        assertEquals(List.of(ChatCompletionChunk.Choice.FinishReason.STOP), reasons);
        assertTrue(chunks.getFirst().choices().getFirst().delta().role().isPresent(), "the role comes first");
        ChatCompletionChunk last = chunks.getLast();
        assertTrue(last.choices().isEmpty(), "the usage chunk has no choices");
        CompletionUsage usage = last.usage().orElseThrow();
        assertTrue(usage.completionTokens() > 0);
    }

    @Test
    void multiTurn() {
        ChatCompletion c = client.chat().completions().create(pictureQuestion(OpenAiIt.MODEL)
                .addAssistantMessage(Examples.RED_CIRCLE)
                .addUserMessage(OpenAiIt.COLOUR_QUESTION)
                .build());
        assertEquals("Red.", c.choices().getFirst().message().content().orElseThrow());
    }

    @Test
    void maxCompletionTokensEndsWithLength() {
        ChatCompletion c = client.chat().completions().create(pictureQuestion(OpenAiIt.MODEL)
                .maxCompletionTokens(2).build());
        assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, c.choices().getFirst().finishReason());
        assertEquals(2, c.usage().orElseThrow().completionTokens());
    }

    @Test
    void aStopSequenceEndsTheAnswer() {
        ChatCompletion c = client.chat().completions().create(pictureQuestion(OpenAiIt.MODEL)
                .stop("circle").temperature(0.0).seed(42L).build());
        String text = c.choices().getFirst().message().content().orElseThrow();
        assertTrue(text.startsWith("A red") && !text.contains("circle"), text);
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().getFirst().finishReason());
    }

    @Test
    void errorsAreTheSdksTypedExceptions() {
        BadRequestException n = assertThrows(BadRequestException.class, () -> client.chat().completions()
                .create(pictureQuestion(OpenAiIt.MODEL).n(2).build()));
        assertEquals(400, n.statusCode());
        assertEquals("n", n.param().orElseThrow());
        assertEquals("unsupported_value", n.code().orElseThrow());
        assertEquals("invalid_request_error", n.type().orElseThrow());

        NotFoundException model = assertThrows(NotFoundException.class, () -> client.chat().completions()
                .create(pictureQuestion("gpt-4o").build()));
        assertEquals("model_not_found", model.code().orElseThrow());

        BadRequestException image = assertThrows(BadRequestException.class, () -> client.chat().completions()
                .create(ChatCompletionCreateParams.builder().model(OpenAiIt.MODEL)
                        .addUserMessageOfArrayOfContentParts(List.of(text(OpenAiIt.PICTURE_QUESTION),
                                image("data:image/png;base64,bm90IGEgcGljdHVyZQ=="))).build()));
        assertEquals("invalid_image", image.code().orElseThrow());
        assertEquals("messages[0].content[1].image_url.url", image.param().orElseThrow());
    }

    /** A refusal the adapter makes before the first token is an HTTP error for a stream too. */
    @Test
    void aStreamRefusedBeforeItStarts() {
        BadRequestException e = assertThrows(BadRequestException.class, () -> {
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model(OpenAiIt.MODEL)
                            .addUserMessage(OpenAiIt.tooLongPrompt()).build())) {
                stream.stream().forEach(chunk -> { });
            }
        });
        assertEquals("context_length_exceeded", e.code().orElseThrow());
        assertFalse(e.getMessage().isBlank());
    }
}
