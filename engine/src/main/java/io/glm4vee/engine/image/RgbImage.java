package io.glm4vee.engine.image;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;

/**
 * An 8-bit RGB picture, the form every decoded image takes before resizing (Pillow mode "RGB").
 *
 * <p>{@code rgb} is interleaved and row-major: the sample of channel c at (x, y) is
 * {@code rgb[(y * width + x) * 3 + c]}. The array is not copied; treat it as read-only.
 */
public record RgbImage(int width, int height, byte[] rgb) { // rgb: (height, width, 3)

    /** The largest pixel count whose RGB bytes still fit one Java array. */
    public static final long MAX_PIXELS = (Integer.MAX_VALUE - 8) / 3;

    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new EngineException(ErrorCode.BAD_IMAGE,
                    "image size must be positive, got " + width + "x" + height);
        }
        if ((long) width * height > MAX_PIXELS) {
            throw new EngineException(ErrorCode.IMAGE_TOO_LARGE,
                    "image " + width + "x" + height + " does not fit one RGB array");
        }
        if (rgb == null || rgb.length != width * height * 3) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH, "expected " + width * height * 3
                    + " RGB bytes for " + width + "x" + height + ", got "
                    + (rgb == null ? "null" : rgb.length));
        }
    }

    /** Channel c (0 red, 1 green, 2 blue) of pixel (x, y), 0..255. */
    public int sample(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
