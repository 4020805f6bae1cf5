package io.glm4vee.engine.sampling;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;

/**
 * How the next token is picked. temperature 0 means greedy (argmax, first index on ties).
 * topK 0 means no top-k filter; topP 1 means no nucleus filter; repetitionPenalty 1 means none.
 */
public record SamplingParams(double temperature, double topP, int topK, long seed, double repetitionPenalty) {

    public static final SamplingParams GREEDY = new SamplingParams(0, 1, 0, 0, 1);

    public SamplingParams {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw bad("temperature", temperature, "must be a finite number >= 0");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw bad("top_p", topP, "must be in (0, 1]");
        }
        if (topK < 0) {
            throw bad("top_k", topK, "must be >= 0");
        }
        if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
            throw bad("repetition_penalty", repetitionPenalty, "must be a finite number > 0");
        }
    }

    private static EngineException bad(String name, Object value, String rule) {
        return new EngineException(ErrorCode.BAD_REQUEST, name + "=" + value + " " + rule);
    }

    public boolean greedy() {
        return temperature == 0;
    }
}
