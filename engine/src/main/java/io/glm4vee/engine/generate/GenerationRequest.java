package io.glm4vee.engine.generate;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.sampling.SamplingParams;

import java.util.List;

/**
 * One generation: prompt ids (chat template already applied), optional normalised pixels,
 * sampling, max new tokens, extra stop ids (the model's eos ids always stop) and stop strings.
 */
public record GenerationRequest(int[] promptIds, float[] pixels, SamplingParams sampling, int maxTokens,
                                int[] stopIds, List<String> stopStrings) {

    public GenerationRequest {
        if (promptIds == null || promptIds.length == 0) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "the prompt is empty");
        }
        if (maxTokens < 1) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "max_tokens=" + maxTokens + " must be >= 1");
        }
        sampling = sampling == null ? SamplingParams.GREEDY : sampling;
        stopIds = stopIds == null ? new int[0] : stopIds.clone();
        stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
        for (String s : stopStrings) {
            if (s.isEmpty()) {
                throw new EngineException(ErrorCode.BAD_REQUEST, "stop strings must not be empty");
            }
        }
    }

    public static GenerationRequest greedy(int[] promptIds, float[] pixels, int maxTokens) {
        return new GenerationRequest(promptIds, pixels, SamplingParams.GREEDY, maxTokens, null, null);
    }
}
