package io.glm4vee.engine.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks tokens from logits the way HF generate() does for GLM-4V: the NaN/Inf guard of HF
 * chat(), repetition penalty, then temperature, top-k, top-p and a seeded draw (or argmax).
 * One Sampler per sequence: it owns the random stream, so a seed reproduces a whole answer.
 */
public final class Sampler {
    /** HF chat()'s InvalidScoreLogitsProcessor sets id 198 ("\n") to this when logits are NaN/Inf. */
    private static final int NEWLINE_ID = 198;

    private final SamplingParams params;
    private final SplittableRandom random;

    public Sampler(SamplingParams params) {
        this.params = params;
        this.random = new SplittableRandom(params.seed());
    }

    /** logits is modified in place. history: prompt + generated ids, for the repetition penalty. */
    public int next(float[] logits, int[] history, int historyLength) {
        guardInvalid(logits);
        if (params.repetitionPenalty() != 1.0) {
            applyRepetitionPenalty(logits, history, historyLength, (float) params.repetitionPenalty());
        }
        if (params.greedy()) {
            return argmax(logits);
        }
        return sample(logits);
    }

    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /** Ids by descending logit, ties by ascending id: one stable, reproducible order for sampling and reports. */
    public static Integer[] descendingOrder(float[] logits) {
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : Integer.compare(a, b));
        return order;
    }

    static void guardInvalid(float[] logits) {
        for (float v : logits) {
            if (Float.isNaN(v) || Float.isInfinite(v)) {
                Arrays.fill(logits, 0f);
                if (logits.length > NEWLINE_ID) {
                    logits[NEWLINE_ID] = 5e4f;
                }
                return;
            }
        }
    }

    /** HF RepetitionPenaltyLogitsProcessor: each seen id's logit is divided (if > 0) or multiplied by the penalty. */
    static void applyRepetitionPenalty(float[] logits, int[] history, int n, float penalty) {
        boolean[] seen = new boolean[logits.length];
        for (int i = 0; i < n; i++) {
            int id = history[i];
            if (id >= 0 && id < logits.length && !seen[id]) {
                seen[id] = true;
                logits[id] = logits[id] > 0 ? logits[id] / penalty : logits[id] * penalty;
            }
        }
    }

    private int sample(float[] logits) {
        int n = logits.length;
        Integer[] order = descendingOrder(logits);
        int keep = params.topK() > 0 ? Math.min(params.topK(), n) : n;
        double t = params.temperature();
        double max = logits[order[0]] / t;
        double[] p = new double[keep];
        double sum = 0;
        for (int i = 0; i < keep; i++) {
            p[i] = Math.exp(logits[order[i]] / t - max);
            sum += p[i];
        }
        // nucleus: the smallest prefix whose probability reaches top_p (at least one token)
        double cum = 0;
        int nucleus = keep;
        for (int i = 0; i < keep; i++) {
            cum += p[i] / sum;
            if (cum >= params.topP()) {
                nucleus = i + 1;
                break;
            }
        }
        double total = 0;
        for (int i = 0; i < nucleus; i++) {
            total += p[i];
        }
        double u = random.nextDouble() * total;
        for (int i = 0; i < nucleus; i++) {
            u -= p[i];
            if (u < 0) {
                return order[i];
            }
        }
        return order[nucleus - 1];
    }
}
