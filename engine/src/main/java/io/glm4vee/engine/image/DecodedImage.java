package io.glm4vee.engine.image;

/**
 * What {@link ImageDecoder} found in a file: the RGB picture (alpha already dropped, as Pillow's
 * {@code convert('RGB')} does) and facts about the source useful for checks and logs.
 *
 * @param image    the RGB pixels
 * @param format   "PNG" or "JPEG" (Pillow's {@code Image.format} names)
 * @param hasAlpha whether the source had transparency (an alpha channel or a tRNS chunk)
 * @param alphaSum sum of the 8-bit alpha values Pillow's {@code convert('RGBA')} would give;
 *                 255 * width * height for an opaque image
 */
public record DecodedImage(RgbImage image, String format, boolean hasAlpha, long alphaSum) {
}
