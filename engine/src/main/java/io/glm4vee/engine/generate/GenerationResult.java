package io.glm4vee.engine.generate;

/**
 * @param text         the answer as HF process_response gives it: without the metadata line and stop token
 * @param generatedIds every generated id, the stop token included when one ended generation
 * @param promptTokens ids in the prompt (the image placeholder counts as one, as in HF's input_ids)
 * @param cachedRows   rows of the spliced prompt (image rows included)
 */
public record GenerationResult(String text, int[] generatedIds, FinishReason finishReason, int promptTokens,
                               int cachedRows, long prefillNanos, long decodeNanos) {

    public int completionTokens() {
        return generatedIds.length;
    }
}
