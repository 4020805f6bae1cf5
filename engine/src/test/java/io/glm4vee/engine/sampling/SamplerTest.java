package io.glm4vee.engine.sampling;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sampler against expectations computed here: argmax, softmax(logits / T) frequencies,
 * top-k and top-p sets, HF's repetition-penalty rule and the NaN/Inf guard of HF chat().
 */
class SamplerTest {
    private static final int[] NO_HISTORY = new int[0];

    private static SamplingParams sampled(double t, double topP, int topK, long seed) {
        return new SamplingParams(t, topP, topK, seed, 1.0);
    }

    /** Draws n tokens from one sampler, each from a fresh copy of logits. */
    private static int[] draw(SamplingParams p, float[] logits, int n) {
        Sampler s = new Sampler(p);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = s.next(logits.clone(), NO_HISTORY, 0);
        }
        return out;
    }

    private static double[] frequencies(int[] draws, int vocab) {
        double[] f = new double[vocab];
        for (int d : draws) {
            f[d] += 1.0 / draws.length;
        }
        return f;
    }

    // ------------------------------------------------------------------ greedy

    @Test
    void greedyIsArgmaxWithTheFirstIndexOnTies() {
        Sampler g = new Sampler(SamplingParams.GREEDY);
        assertEquals(2, g.next(new float[] {0.5f, 1f, 3f, -4f}, NO_HISTORY, 0));
        assertEquals(1, g.next(new float[] {1f, 3f, 3f, 2f}, NO_HISTORY, 0));
        assertEquals(0, g.next(new float[] {-1f, -1f, -1f}, NO_HISTORY, 0));
        assertEquals(3, Sampler.argmax(new float[] {-5f, -4f, -3f, -2f}));
        assertEquals(1, Sampler.argmax(new float[] {Float.NEGATIVE_INFINITY, 0f, 0f}));
        assertTrue(SamplingParams.GREEDY.greedy());
        assertTrue(new SamplingParams(0, 0.5, 3, 9, 1).greedy(), "temperature 0 is greedy whatever the filters");
        assertFalse(sampled(0.1, 1, 0, 0).greedy());
    }

    // ------------------------------------------------------------------ seeds

    @Test
    void aSeedReproducesTheWholeStreamAndAnotherSeedDoesNot() {
        float[] flat = new float[64];                          // uniform: every draw is pure randomness
        int[] a = draw(sampled(1, 1, 0, 42), flat, 40);
        int[] b = draw(sampled(1, 1, 0, 42), flat, 40);
        int[] c = draw(sampled(1, 1, 0, 43), flat, 40);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c), "two seeds gave the same 40 draws out of 64 tokens");
        // and a flat distribution is actually sampled (not argmax = 0 every time)
        assertTrue(Arrays.stream(a).distinct().count() > 10, Arrays.toString(a));
    }

    // ------------------------------------------------------------------ top-k, top-p

    @Test
    void topKOneAlwaysPicksTheMax() {
        SplittableRandom r = new SplittableRandom(5);
        for (int trial = 0; trial < 50; trial++) {
            float[] logits = new float[20];
            for (int i = 0; i < logits.length; i++) {
                logits[i] = (float) r.nextGaussian();
            }
            int want = 0;
            for (int i = 1; i < logits.length; i++) {
                if (logits[i] > logits[want]) {
                    want = i;
                }
            }
            for (int d : draw(sampled(5.0, 1, 1, trial), logits, 20)) {
                assertEquals(want, d);
            }
        }
    }

    @Test
    void topKKeepsTheKBestInProportion() {
        // logits ln(4), ln(3), ln(2), ln(1): with k = 2 only ids 0 and 1 remain, at 4:3
        float[] logits = {(float) Math.log(4), (float) Math.log(3), (float) Math.log(2), 0f};
        int n = 100_000;
        double[] f = frequencies(draw(sampled(1, 1, 2, 11), logits, n), 4);
        assertEquals(0.0, f[2] + f[3]);
        assertEquals(4.0 / 7, f[0], 5 * Math.sqrt(0.25 / n));
    }

    @Test
    void smallTopPKeepsOnlyTheTopToken() {
        float[] logits = {0.2f, 1.5f, 1.4f, -0.3f, 1.45f};
        for (int d : draw(sampled(1, 0.01, 0, 3), logits, 500)) {
            assertEquals(1, d);
        }
    }

    @Test
    void topPKeepsTheSmallestPrefixReachingP() {
        // probabilities 0.5, 0.3, 0.2 (logits are their logs): p = 0.75 keeps {0, 1} (0.5 < 0.75 <= 0.8),
        // and the kept pair is renormalised to 5:3
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.2)};
        int n = 100_000;
        double[] f = frequencies(draw(sampled(1, 0.75, 0, 17), logits, n), 3);
        assertEquals(0.0, f[2], "id 2 lies outside the nucleus");
        assertEquals(5.0 / 8, f[0], 5 * Math.sqrt(0.25 / n));
        // p = 0.45 keeps only id 0; p = 0.85 keeps all three
        for (int d : draw(sampled(1, 0.45, 0, 18), logits, 300)) {
            assertEquals(0, d);
        }
        double[] all = frequencies(draw(sampled(1, 0.85, 0, 19), logits, n), 3);
        assertEquals(0.2, all[2], 5 * Math.sqrt(0.25 / n));
    }

    // ------------------------------------------------------------------ temperature

    @Test
    void frequenciesFollowSoftmaxOfLogitsOverTemperature() {
        float[] logits = {1.0f, 0.5f, -0.3f};
        int n = 200_000;
        double tolerance = 5 * Math.sqrt(0.25 / n);           // 5 standard deviations at worst
        double[] sharpP0 = new double[1];
        for (double t : new double[] {0.5, 1.0, 2.0}) {
            double[] want = new double[3];
            double sum = 0;
            for (int i = 0; i < 3; i++) {
                want[i] = Math.exp(logits[i] / t);
                sum += want[i];
            }
            double[] got = frequencies(draw(sampled(t, 1, 0, 1000 + (long) (t * 10)), logits, n), 3);
            for (int i = 0; i < 3; i++) {
                assertEquals(want[i] / sum, got[i], tolerance, "T=" + t + " id " + i);
            }
            if (t == 0.5) {
                sharpP0[0] = got[0];
            } else {
                assertTrue(got[0] < sharpP0[0], "a higher temperature flattens the distribution");
            }
        }
    }

    // ------------------------------------------------------------------ repetition penalty

    @Test
    void repetitionPenaltyFollowsTheHfRuleOncePerId() {
        // HF RepetitionPenaltyLogitsProcessor: seen ids' logits < 0 are multiplied, others divided
        float[] logits = {2f, -2f, 3f, 0.5f, -1f};
        int[] history = {0, 1, 0, 0, 1, 3, 4, 4};
        new Sampler(new SamplingParams(0, 1, 0, 0, 2.0)).next(logits, history, 6);   // ids 4 not in the first 6
        assertArrayEquals(new float[] {1f, -4f, 3f, 0.25f, -1f}, logits);
    }

    @Test
    void repetitionPenaltyCanChangeTheGreedyPick() {
        Sampler s = new Sampler(new SamplingParams(0, 1, 0, 0, 2.0));
        assertEquals(1, s.next(new float[] {3f, 2.5f}, new int[] {0}, 1), "3 / 2 = 1.5 < 2.5");
        assertEquals(0, s.next(new float[] {3f, 2.5f}, new int[] {0}, 0), "empty history: no penalty");
        // a penalty below 1 favours seen ids
        Sampler boost = new Sampler(new SamplingParams(0, 1, 0, 0, 0.5));
        assertEquals(1, boost.next(new float[] {3f, 2f}, new int[] {1}, 1), "2 / 0.5 = 4 > 3");
        // ids outside the vocabulary in the history are ignored, not an error
        float[] l = {1f, 1f};
        new Sampler(new SamplingParams(0, 1, 0, 0, 2.0)).next(l, new int[] {7, -1}, 2);
        assertArrayEquals(new float[] {1f, 1f}, l);
    }

    // ------------------------------------------------------------------ NaN / Inf guard

    @Test
    void invalidLogitsBecomeZeroWithNewlineAt5e4() {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            float[] logits = new float[576];
            Arrays.fill(logits, 1f);
            logits[7] = 9f;
            logits[300] = bad;
            assertEquals(198, new Sampler(SamplingParams.GREEDY).next(logits, NO_HISTORY, 0), "with " + bad);
            float[] want = new float[576];
            want[198] = 5e4f;
            assertArrayEquals(want, logits, "with " + bad);
            // sampling after the guard: 5e4 against 0 leaves no other choice
            float[] again = new float[576];
            again[3] = bad;
            assertEquals(198, new Sampler(sampled(0.8, 0.8, 0, 1)).next(again, NO_HISTORY, 0));
        }
        float[] finite = {1f, Float.MAX_VALUE, -Float.MAX_VALUE};
        Sampler.guardInvalid(finite);
        assertArrayEquals(new float[] {1f, Float.MAX_VALUE, -Float.MAX_VALUE}, finite, "finite logits stay");
    }

    // ------------------------------------------------------------------ params validation

    private static void assertBad(String field, Executable make) {
        EngineException e = assertThrows(EngineException.class, make);
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
        assertTrue(e.getMessage().startsWith(field + "="), e.getMessage());
    }

    @Test
    void paramsValidationNamesTheField() {
        assertBad("temperature", () -> new SamplingParams(-0.1, 1, 0, 0, 1));
        assertBad("temperature", () -> new SamplingParams(Double.NaN, 1, 0, 0, 1));
        assertBad("temperature", () -> new SamplingParams(Double.POSITIVE_INFINITY, 1, 0, 0, 1));
        assertBad("top_p", () -> new SamplingParams(1, 0, 0, 0, 1));
        assertBad("top_p", () -> new SamplingParams(1, 1.01, 0, 0, 1));
        assertBad("top_p", () -> new SamplingParams(1, Double.NaN, 0, 0, 1));
        assertBad("top_k", () -> new SamplingParams(1, 1, -1, 0, 1));
        assertBad("repetition_penalty", () -> new SamplingParams(1, 1, 0, 0, 0));
        assertBad("repetition_penalty", () -> new SamplingParams(1, 1, 0, 0, -1.2));
        assertBad("repetition_penalty", () -> new SamplingParams(1, 1, 0, 0, Double.NaN));
        assertBad("repetition_penalty", () -> new SamplingParams(1, 1, 0, 0, Double.POSITIVE_INFINITY));
        // the boundaries that are allowed
        assertNotEquals(null, new SamplingParams(0, 1, 0, -5, 1));
        assertNotEquals(null, new SamplingParams(3, 1e-9, 1_000_000, Long.MIN_VALUE, 1e-3));
    }
}
