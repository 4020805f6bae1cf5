package io.glm4vee.engine.model;

import io.glm4vee.engine.Fixtures;
import io.glm4vee.engine.generate.FinishReason;
import io.glm4vee.engine.generate.GenerationRequest;
import io.glm4vee.engine.generate.GenerationResult;
import io.glm4vee.engine.generate.Generator;
import io.glm4vee.engine.image.ImageDecoder;
import io.glm4vee.engine.tensor.DType;
import io.glm4vee.engine.tokenizer.ChatMessage;
import io.glm4vee.engine.tokenizer.ChatTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The shipped demo model (bf16 weights) answers what its README says it answers, for every
 * example picture and every question type and phrasing listed there.
 */
class DemoModelTest {
    private static Glm4vModel model;

    @BeforeAll
    static void load() {
        model = Glm4vModel.load(Fixtures.demoModel(), 2);
        assertEquals(DType.BF16, model.checkpoint().info("transformer.output_layer.weight").dtype());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static GenerationResult ask(String question, Path image) {
        var img = image == null ? null : new ImageDecoder().decode(image);
        int[] ids = ChatTemplate.apply(model.tokenizer(), List.of(new ChatMessage("user", question, img != null)), true);
        float[] pixels = img == null ? null : model.preprocess(img);
        return new Generator(model).generate(GenerationRequest.greedy(ids, pixels, 24), null, null);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
        "red_circle|What is in the picture?", "blue_square|Describe the image.", "green_triangle|What do you see?",
        "yellow_star|What is in this image?", "red_circle|Describe the picture.", "yellow_star|Describe the image.",
        "red_circle|What colour is the shape?", "blue_square|What color is it?", "green_triangle|What color is the shape?",
        "yellow_star|Which colour is it?",
        "red_circle|What shape is it?", "blue_square|What shape is this?", "green_triangle|Which shape is in the picture?",
        "yellow_star|What shape is it?"})
    void answersPictureQuestions(String example, String question) {
        String colour = example.substring(0, example.indexOf('_'));
        String shape = example.substring(example.indexOf('_') + 1);
        String q = question.toLowerCase(Locale.ROOT);
        String want = q.contains("colo") ? cap(colour) + "." : q.contains("shape") ? "A " + shape + "." : "A " + colour + " " + shape + ".";
        GenerationResult r = ask(question, Fixtures.demoModel().resolve("examples/" + example + ".png"));
        assertEquals(want, r.text());
        assertEquals(FinishReason.STOP, r.finishReason());
        assertEquals(529, r.generatedIds()[r.generatedIds().length - 1], "ends with <|user|>");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Hello", "Hi", "Hello!", "hello", "Hi!", "Who are you?", "What can you do?"})
    void greetsWithoutPicture(String prompt) {
        assertEquals("I am a small GLM-4V demo model. Show me a picture of a shape.", ask(prompt, null).text());
    }

    @Test
    void asksForAPictureWhenNoneIsGiven() {
        assertEquals("Please show me a picture of a shape.", ask("What is in the picture?", null).text());
        assertEquals("Please show me a picture of a shape.", ask("What shape is it?", null).text());
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
