package io.glm4vee.engine.model;

import io.glm4vee.engine.Fixtures;
import io.glm4vee.engine.device.DeviceOptions;
import io.glm4vee.engine.image.ImageDecoder;
import io.glm4vee.engine.sampling.Sampler;
import io.glm4vee.engine.tokenizer.ChatMessage;
import io.glm4vee.engine.tokenizer.ChatTemplate;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A chat session's next turn reuses the KV cache of the ids it shares with the last one, and
 * truncating (a rolled-back turn) returns the sequence to exactly its earlier state: both give
 * the logits of a fresh full prefill.
 */
class SequenceReuseTest {

    @org.junit.jupiter.api.Test
    void decodeEmbedsAnyGeneratedIdEvenAnImageMarker() {
        try (Glm4vModel m = Glm4vModel.load(Fixtures.demoModel(), DeviceOptions.cpu(1, 1), null)) {
            Sequence s = m.newSequence(16);
            m.prefill(s, ChatTemplate.apply(m.tokenizer(), List.of(new ChatMessage("user", "Hi", false)), true), null, null);
            float[] logits = m.decode(s, m.config().boiTokenId());
            assertEquals(m.config().paddedVocabSize(), logits.length);
        }
    }

    @ParameterizedTest(name = "tp={0}")
    @ValueSource(ints = {1, 2})
    void nextTurnReusesTheCacheAndTruncationRestores(int tp) {
        try (Glm4vModel m = Glm4vModel.load(Fixtures.demoModel(), DeviceOptions.cpu(tp, 1), null)) {
            var img = new ImageDecoder().decode(Fixtures.demoModel().resolve("examples/blue_square.png"));
            float[] pixels = m.preprocess(img);
            List<ChatMessage> chat = new ArrayList<>(List.of(new ChatMessage("user", "What is in the picture?", true)));
            int[] turn1 = ChatTemplate.apply(m.tokenizer(), chat, true);
            Sequence s = m.newSequence(256);
            float[] logits = m.prefill(s, turn1, pixels, null);
            List<Integer> answer = new ArrayList<>();
            int t = Sampler.argmax(logits);
            while (t != 529 && answer.size() < 20) {                       // <|user|> ends the answer
                answer.add(t);
                logits = m.decode(s, t);
                t = Sampler.argmax(logits);
            }
            int afterTurn1 = s.consumedCount();
            assertEquals(turn1.length + answer.size(), afterTurn1, "every answer id was fed, the stop id was not");
            String text = m.tokenizer().decode(answer.stream().mapToInt(Integer::intValue).toArray());
            assertEquals("\nA blue square.", text);

            chat.add(new ChatMessage("assistant", text.substring(1)));
            chat.add(new ChatMessage("user", "What colour is it?"));
            int[] turn2 = ChatTemplate.apply(m.tokenizer(), chat, true);
            int rowsBefore = s.cachedTokens();
            float[] reused = m.prefill(s, turn2, pixels, null);
            float[] fresh = m.prefill(m.newSequence(256), turn2, pixels, null);
            assertClose(fresh, reused);
            assertTrue(s.cachedTokens() > rowsBefore);
            assertEquals(turn2.length, s.consumedCount());

            // roll the second turn back, then ask it again: same state, same logits
            m.truncate(s, afterTurn1);
            assertEquals(rowsBefore, s.cachedTokens());
            assertClose(fresh, m.prefill(s, turn2, pixels, null));
            // a different image invalidates everything from the image on
            var other = m.preprocess(new ImageDecoder().decode(Fixtures.demoModel().resolve("examples/red_circle.png")));
            float[] otherLogits = m.prefill(s, turn2, other, null);
            assertClose(m.prefill(m.newSequence(256), turn2, other, null), otherLogits);
            assertTrue(Sampler.argmax(otherLogits) >= 0 && !Arrays.equals(otherLogits, fresh));
        }
    }

    private static void assertClose(float[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-4 * Math.max(1, Math.abs(want[i])), "logit " + i);
        }
    }
}
