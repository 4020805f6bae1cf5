package io.glm4vee.it;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenAI-compatible API through LangChain4j's OpenAI module (dev.langchain4j:langchain4j-open-ai),
 * unmodified: base URL, model name and a placeholder API key.
 */
@ExtendWith(ArquillianExtension.class)
public class LangChain4jClientIT {

    @Deployment(testable = false)
    public static EnterpriseArchive deployment() {
        return Deployments.application();
    }

    private static OpenAiChatModel model(String name) {
        return OpenAiChatModel.builder().baseUrl(OpenAiIt.baseUrl()).apiKey("unused").modelName(name).build();
    }

    private static UserMessage pictureQuestion() {
        return UserMessage.from(TextContent.from(OpenAiIt.PICTURE_QUESTION),
                ImageContent.from(OpenAiIt.base64("red_circle.png"), "image/png"));
    }

    @Test
    void aPicture() {
        ChatResponse r = model(OpenAiIt.MODEL).chat(pictureQuestion());
        assertEquals(Examples.RED_CIRCLE, r.aiMessage().text());
        assertEquals(FinishReason.STOP, r.finishReason());
        assertEquals(OpenAiIt.MODEL, r.modelName());
        assertTrue(r.tokenUsage().inputTokenCount() > 0 && r.tokenUsage().outputTokenCount() > 0, r.toString());
    }

    @Test
    void plainText() {
        assertEquals(Examples.GREETING, model(OpenAiIt.ALIAS).chat("Who are you?"));
    }

    @Test
    void streaming() throws Exception {
        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder().baseUrl(OpenAiIt.baseUrl())
                .apiKey("unused").modelName(OpenAiIt.MODEL).build();
        StringBuilder partial = new StringBuilder();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat(List.of(pictureQuestion()), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String text) {
                partial.append(text);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse r = done.get(120, TimeUnit.SECONDS);
        assertEquals(Examples.RED_CIRCLE, partial.toString());
        assertEquals(Examples.RED_CIRCLE, r.aiMessage().text());
        assertEquals(FinishReason.STOP, r.finishReason());
    }

    @Test
    void multiTurn() {
        ChatResponse r = model(OpenAiIt.MODEL).chat(List.of(
                SystemMessage.from("You describe pictures of shapes."),
                pictureQuestion(),
                AiMessage.from(Examples.RED_CIRCLE),
                UserMessage.from(OpenAiIt.COLOUR_QUESTION)));
        assertEquals("Red.", r.aiMessage().text());
    }

    @Test
    void errorsAreTypedExceptions() {
        assertThrows(ModelNotFoundException.class, () -> model("gpt-4o").chat("Who are you?"));
        assertThrows(InvalidRequestException.class, () -> model(OpenAiIt.MODEL).chat(UserMessage.from(
                TextContent.from(OpenAiIt.PICTURE_QUESTION), ImageContent.from("bm90IGEgcGljdHVyZQ==", "image/png"))));
        InvalidRequestException tooLong = assertThrows(InvalidRequestException.class,
                () -> model(OpenAiIt.MODEL).chat(OpenAiIt.tooLongPrompt()));
        assertTrue(tooLong.getMessage().contains("context_length_exceeded"), tooLong.getMessage());
    }
}
