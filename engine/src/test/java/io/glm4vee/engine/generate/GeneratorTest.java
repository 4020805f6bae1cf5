package io.glm4vee.engine.generate;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.Fixtures;
import io.glm4vee.engine.image.ImageDecoder;
import io.glm4vee.engine.model.Glm4vModel;
import io.glm4vee.engine.sampling.SamplingParams;
import io.glm4vee.engine.tokenizer.ChatMessage;
import io.glm4vee.engine.tokenizer.ChatTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generation on the shipped demo model, whose answers its README lists: "A red circle." for
 * red_circle.png and "What is in the picture?", the greeting for "Hello", each answer written
 * as "\n" + answer + <|user|> (529).
 */
class GeneratorTest {
    private static final String RED_CIRCLE = "A red circle.";
    private static final String GREETING = "I am a small GLM-4V demo model. Show me a picture of a shape.";
    private static final String NO_PICTURE = "Please show me a picture of a shape.";
    private static final int USER = 529;
    private static final int NEWLINE = 198;

    private static Glm4vModel model;
    private static float[] redCircle;

    @BeforeAll
    static void load() {
        model = Glm4vModel.load(Fixtures.demoModel(), 2);
        redCircle = model.preprocess(new ImageDecoder().decode(Fixtures.demoModel().resolve("examples/red_circle.png")));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static int[] prompt(String question, boolean image) {
        return ChatTemplate.apply(model.tokenizer(), List.of(new ChatMessage("user", question, image)), true);
    }

    private static GenerationRequest request(String question, boolean image, int maxTokens, int[] stopIds,
                                             List<String> stops, SamplingParams sampling) {
        return new GenerationRequest(prompt(question, image), image ? redCircle : null, sampling, maxTokens, stopIds,
                stops);
    }

    private static GenerationRequest redCircleQuestion(int maxTokens, int[] stopIds, List<String> stops) {
        return request("What is in the picture?", true, maxTokens, stopIds, stops, SamplingParams.GREEDY);
    }

    /** Generation with a listener that records every (id, delta) call. */
    private record Run(GenerationResult result, List<Integer> ids, List<String> deltas) {
        String streamed() {
            return String.join("", deltas);
        }
    }

    private static Run run(GenerationRequest req, CancellationToken cancel) {
        List<Integer> ids = new ArrayList<>();
        List<String> deltas = new ArrayList<>();
        GenerationResult r = new Generator(model).generate(req, (id, delta) -> {
            ids.add(id);
            deltas.add(delta);
        }, cancel);
        return new Run(r, ids, deltas);
    }

    // ------------------------------------------------------------------ streaming

    @ParameterizedTest(name = "{0} (image {1})")
    @CsvSource(delimiter = '|', value = {
        "What is in the picture?|true|A red circle.",
        "What colour is the shape?|true|Red.",
        "What shape is it?|true|A circle.",
        "Hello|false|I am a small GLM-4V demo model. Show me a picture of a shape.",
        "What is in the picture?|false|Please show me a picture of a shape."})
    void streamedDeltasAddUpToTheAnswer(String question, boolean image, String answer) {
        Run r = run(request(question, image, 40, null, null, SamplingParams.GREEDY), null);
        assertEquals(answer, r.result().text());
        assertEquals(answer, r.streamed());
        assertEquals(FinishReason.STOP, r.result().finishReason());
        int[] gen = r.result().generatedIds();
        assertEquals(NEWLINE, gen[0], "the empty metadata line comes first");
        assertEquals(USER, gen[gen.length - 1], "<|user|> ends the answer");
        assertEquals(gen.length, r.result().completionTokens());
        // one listener call per generated id, in order (a final text-only call would carry id -1)
        List<Integer> tokenCalls = r.ids().stream().filter(id -> id >= 0).toList();
        assertEquals(Arrays.stream(gen).boxed().toList(), tokenCalls);
        assertEquals("", r.deltas().get(0), "the metadata newline is not answer text");
        assertEquals(prompt(question, image).length, r.result().promptTokens());
        assertEquals(prompt(question, image).length + (image ? 16 - 1 : 0), r.result().cachedRows(),
                "boi X eoi (3 ids) becomes boi + 16 image rows + eoi (18 rows)");
    }

    // ------------------------------------------------------------------ max tokens

    @Test
    void maxTokensStopsEarlyWithAPrefix() {
        GenerationResult full = run(redCircleQuestion(40, null, null), null).result();
        assertTrue(full.generatedIds().length >= 5, "\\n, at least three words, <|user|>");
        GenerationResult one = run(redCircleQuestion(1, null, null), null).result();
        assertEquals(FinishReason.LENGTH, one.finishReason());
        assertArrayEquals(new int[] {NEWLINE}, one.generatedIds());
        assertEquals("", one.text(), "only the metadata line so far");

        String previous = "";
        for (int k = 2; k < full.generatedIds().length; k++) {
            Run r = run(redCircleQuestion(k, null, null), null);
            GenerationResult g = r.result();
            assertEquals(FinishReason.LENGTH, g.finishReason(), "max_tokens " + k);
            assertEquals(k, g.generatedIds().length);
            assertArrayEquals(Arrays.copyOf(full.generatedIds(), k), g.generatedIds());
            assertTrue(RED_CIRCLE.startsWith(g.text()), g.text());
            assertTrue(g.text().length() > previous.length(), "each word token adds text: " + g.text());
            assertEquals(g.text(), r.streamed());
            previous = g.text();
        }
        assertEquals(RED_CIRCLE, previous, "one token short of the stop: the whole answer, finish LENGTH");
        // exactly enough tokens for the answer and <|user|>: a normal stop
        GenerationResult exact = run(redCircleQuestion(full.generatedIds().length, null, null), null).result();
        assertEquals(FinishReason.STOP, exact.finishReason());
        assertEquals(RED_CIRCLE, exact.text());
    }

    // ------------------------------------------------------------------ stops

    @Test
    void stopStringCutsTheAnswer() {
        Run r = run(redCircleQuestion(40, null, List.of("circle")), null);
        assertEquals("A red", r.result().text());
        assertEquals("A red", r.streamed());
        assertEquals(FinishReason.STOP, r.result().finishReason());
        assertTrue(r.result().generatedIds()[r.result().generatedIds().length - 1] != USER,
                "stopped before the model's own stop token");
    }

    @Test
    void stopStringWithASpaceStreamsConsistently() {
        Run r = run(redCircleQuestion(40, null, List.of("red circle")), null);
        assertEquals("A", r.result().text());
        assertEquals("A", r.streamed());
        assertEquals(FinishReason.STOP, r.result().finishReason());
    }

    @Test
    void stopStringThatNeverOccursChangesNothing() {
        GenerationResult plain = run(redCircleQuestion(40, null, null), null).result();
        Run r = run(redCircleQuestion(40, null, List.of("zebra", "circles", "A red square")), null);
        assertEquals(RED_CIRCLE, r.result().text());
        assertEquals(RED_CIRCLE, r.streamed());
        assertArrayEquals(plain.generatedIds(), r.result().generatedIds());
        assertEquals(FinishReason.STOP, r.result().finishReason());
    }

    @Test
    void extraStopIdEndsGeneration() {
        int[] circle = model.tokenizer().encodeOrdinary(" circle");
        assertEquals(1, circle.length, "the README says every answer word is one token");
        Run r = run(redCircleQuestion(40, circle, null), null);
        GenerationResult g = r.result();
        assertEquals(FinishReason.STOP, g.finishReason());
        assertEquals(circle[0], g.generatedIds()[g.generatedIds().length - 1], "the stop id is reported");
        assertEquals("A red", g.text(), "and its text is not part of the answer");
        assertEquals("A red", r.streamed());
    }

    @Test
    void requestValidation() {
        int[] ids = prompt("Hello", false);
        EngineException max = assertThrows(EngineException.class, () -> GenerationRequest.greedy(ids, null, 0));
        assertEquals(ErrorCode.BAD_REQUEST, max.code());
        assertTrue(max.getMessage().contains("max_tokens=0"), max.getMessage());
        assertThrows(EngineException.class, () -> GenerationRequest.greedy(new int[0], null, 5));
        EngineException empty = assertThrows(EngineException.class,
                () -> new GenerationRequest(ids, null, null, 5, null, List.of("")));
        assertTrue(empty.getMessage().contains("stop"), empty.getMessage());
    }

    // ------------------------------------------------------------------ cancellation

    @Test
    void cancelledBeforeStartGeneratesNothing() {
        CancellationToken cancel = new CancellationToken();
        cancel.cancel();
        Run r = run(redCircleQuestion(40, null, null), cancel);
        assertEquals(FinishReason.CANCELLED, r.result().finishReason());
        assertEquals(0, r.result().generatedIds().length);
        assertEquals("", r.result().text());
        assertTrue(r.ids().isEmpty(), "the listener is never called");
    }

    @Test
    void cancelFromTheListenerStopsAfterThatToken() {
        CancellationToken cancel = new CancellationToken();
        List<Integer> seen = new ArrayList<>();
        GenerationResult r = new Generator(model).generate(redCircleQuestion(40, null, null), (id, delta) -> {
            seen.add(id);
            cancel.cancel();
        }, cancel);
        assertEquals(FinishReason.CANCELLED, r.finishReason());
        assertArrayEquals(new int[] {NEWLINE}, r.generatedIds());
        assertEquals(List.of(NEWLINE), seen);

        // after the third token: "\n", "A", " red" -> the text so far
        CancellationToken later = new CancellationToken();
        int[] count = {0};
        GenerationResult r3 = new Generator(model).generate(redCircleQuestion(40, null, null), (id, delta) -> {
            if (id >= 0 && ++count[0] == 3) {
                later.cancel();
            }
        }, later);
        assertEquals(FinishReason.CANCELLED, r3.finishReason());
        assertEquals(3, r3.generatedIds().length);
        assertEquals("A red", r3.text());
    }

    // ------------------------------------------------------------------ limits

    private static int[] repeated(int length) {
        int[] a = model.tokenizer().encodeOrdinary("a");
        assertEquals(1, a.length);
        int[] ids = new int[length];
        Arrays.fill(ids, a[0]);
        return ids;
    }

    @Test
    void promptOfSeqLengthIsTooLong() {
        int seq = model.config().seqLength();
        assertEquals(512, seq, "the demo's config.json");
        for (int len : new int[] {seq, seq + 7}) {
            EngineException e = assertThrows(EngineException.class, () -> new Generator(model)
                    .generate(GenerationRequest.greedy(repeated(len), null, 4), null, null));
            assertEquals(ErrorCode.PROMPT_TOO_LONG, e.code());
            assertTrue(e.getMessage().contains(Integer.toString(len)), e.getMessage());
            assertTrue(e.getMessage().contains("512"), e.getMessage());
        }
    }

    @Test
    void maxTokensIsCappedBySeqLength() {
        int seq = model.config().seqLength();
        GenerationResult one = new Generator(model).generate(GenerationRequest.greedy(repeated(seq - 1), null, 50),
                null, null);
        assertEquals(1, one.generatedIds().length, "one position left");
        GenerationResult three = new Generator(model).generate(
                new GenerationRequest(repeated(seq - 3), null, SamplingParams.GREEDY, 50, null, null), null, null);
        assertTrue(three.generatedIds().length <= 3, "three positions left, got " + three.generatedIds().length);
        if (three.finishReason() == FinishReason.LENGTH) {
            assertEquals(3, three.generatedIds().length);
        }
    }

    @Test
    void imageWithoutPlaceholderAndPlaceholderWithoutImageAreBadRequests() {
        int[] textOnly = prompt("What is in the picture?", false);
        EngineException noBoi = assertThrows(EngineException.class, () -> new Generator(model)
                .generate(GenerationRequest.greedy(textOnly, redCircle, 8), null, null));
        assertEquals(ErrorCode.BAD_REQUEST, noBoi.code());
        assertTrue(noBoi.getMessage().contains("begin_of_image"), noBoi.getMessage());

        int[] withBoi = prompt("What is in the picture?", true);
        EngineException noImage = assertThrows(EngineException.class, () -> new Generator(model)
                .generate(GenerationRequest.greedy(withBoi, null, 8), null, null));
        assertEquals(ErrorCode.BAD_REQUEST, noImage.code());
        assertTrue(noImage.getMessage().contains("no image"), noImage.getMessage());
    }

    // ------------------------------------------------------------------ sampling

    @Test
    void seededSamplingWithGlm4vSettingsReproducesItselfAndStillAnswers() {
        for (long seed : new long[] {4242, 777}) {
            SamplingParams p = new SamplingParams(0.8, 0.8, 0, seed, 1.0);
            GenerationResult a = run(request("What is in the picture?", true, 40, null, null, p), null).result();
            GenerationResult b = run(request("What is in the picture?", true, 40, null, null, p), null).result();
            assertArrayEquals(a.generatedIds(), b.generatedIds(), "seed " + seed);
            assertEquals(RED_CIRCLE, a.text(), "seed " + seed);
            GenerationResult hello = run(request("Hello", false, 40, null, null, p), null).result();
            assertEquals(GREETING, hello.text(), "seed " + seed);
        }
        // a hot, unfiltered distribution is actually sampled: two seeds give different ids
        SamplingParams hot1 = new SamplingParams(50, 1, 0, 1, 1.0);
        SamplingParams hot2 = new SamplingParams(50, 1, 0, 2, 1.0);
        GenerationResult x = run(request("Hello", false, 8, null, null, hot1), null).result();
        GenerationResult y = run(request("Hello", false, 8, null, null, hot2), null).result();
        assertFalse(Arrays.equals(x.generatedIds(), y.generatedIds()));
    }
}
