package io.glm4vee.engine.image;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;

/**
 * GLM-4V's image transform (spec section 6): Pillow BICUBIC resize to S x S ignoring the aspect
 * ratio, then per channel ((u8 / 255f) - mean) / std in float32, laid out CHW.
 *
 * <p>The arithmetic is numpy's float32 order, so results are bit-identical to the reference:
 * one division by 255, one subtraction, one division. Since the result depends only on the
 * channel and the byte, it is tabulated once (3 x 256 floats).
 */
public final class ClipPreprocessor {

    // CLIP's per-channel mean and standard deviation (R, G, B), rounded to float32 as numpy's
    private static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};

    private static final float[][] TABLE = table(); // (3, 256) normalised value of each byte

    private ClipPreprocessor() {
    }

    /** image -> float[3 * S * S], CHW: element (c, y, x) at {@code (c * S + y) * S + x}. */
    public static float[] preprocess(RgbImage image, int imageSize) {
        if (imageSize <= 0 || (long) imageSize * imageSize > RgbImage.MAX_PIXELS) {
            throw new EngineException(ErrorCode.BAD_REQUEST,
                    "image size must be in 1.." + (int) Math.sqrt(RgbImage.MAX_PIXELS)
                            + ", got " + imageSize);
        }
        return normalize(PillowBicubic.resize(image, imageSize, imageSize));
    }

    /** The normalisation step alone, for an already resized image: (H, W, 3) u8 -> (3, H, W). */
    public static float[] normalize(RgbImage image) {
        int plane = image.width() * image.height();
        byte[] rgb = image.rgb();
        float[] out = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            float[] lut = TABLE[c];
            int base = c * plane;
            for (int i = 0, p = c; i < plane; i++, p += 3) {
                out[base + i] = lut[rgb[p] & 0xFF];
            }
        }
        return out;
    }

    /** One sample, computed as the table is; exposed for tests. */
    static float normalize(int u8, int channel) {
        float x = u8 / 255f;
        return (x - MEAN[channel]) / STD[channel];
    }

    private static float[][] table() {
        float[][] t = new float[3][256];
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                t[c][v] = normalize(v, c);
            }
        }
        return t;
    }
}
