package io.glm4vee.engine.model;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;

/**
 * Where the image goes in a prompt (GLM4V_SPEC section 5): the ids hold one
 * boi, placeholder, eoi triple; the placeholder becomes image_tokens rows between boi and eoi.
 * Positions run over the original ids: boi keeps p, every image row gets p + 1, eoi and later
 * tokens keep their original ids, so the expanded sequence still ends at len(ids) - 1.
 *
 * @param boiIndex index of boi in the ids, or -1 without an image
 * @param positions position id of every row of the expanded sequence
 */
public record SplicedInput(int[] ids, int boiIndex, int imageTokens, int[] positions) {

    public static SplicedInput of(int[] ids, Integer boiId, Integer eoiId, int imageTokens, boolean hasImage) {
        int boi = -1;
        int eoi = -1;
        int boiCount = 0;
        int eoiCount = 0;
        for (int i = 0; i < ids.length; i++) {
            if (boiId != null && ids[i] == boiId) {
                boi = i;
                boiCount++;
            }
            if (eoiId != null && ids[i] == eoiId) {
                eoi = i;
                eoiCount++;
            }
        }
        if (!hasImage) {
            if (boiCount > 0) {
                throw new EngineException(ErrorCode.BAD_REQUEST,
                        "the prompt has <|begin_of_image|> at index " + boi + " but no image was given");
            }
            int[] pos = new int[ids.length];
            for (int i = 0; i < pos.length; i++) {
                pos[i] = i;
            }
            return new SplicedInput(ids, -1, 0, pos);
        }
        if (boiCount != 1 || eoiCount != 1 || eoi - boi != 2) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "an image needs exactly one <|begin_of_image|> X "
                    + "<|end_of_image|> triple in the prompt (found " + boiCount + " boi, " + eoiCount + " eoi)");
        }
        int n = ids.length - 3 + imageTokens + 2;
        int[] pos = new int[n];
        int r = 0;
        for (int i = 0; i <= boi; i++) {
            pos[r++] = i;
        }
        for (int i = 0; i < imageTokens; i++) {
            pos[r++] = boi + 1;
        }
        for (int i = eoi; i < ids.length; i++) {
            pos[r++] = i;
        }
        return new SplicedInput(ids, boi, imageTokens, pos);
    }

    /** Rows of the expanded sequence (what the KV cache holds after prefill). */
    public int length() {
        return positions.length;
    }

    public boolean hasImage() {
        return boiIndex >= 0;
    }
}
