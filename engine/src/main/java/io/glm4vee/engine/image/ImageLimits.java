package io.glm4vee.engine.image;

/**
 * Upper bounds an image must satisfy before any pixel is decoded. A PNG or JPEG header can claim
 * 100000x100000 pixels in a few hundred bytes, so the header size is checked first.
 *
 * @param maxPixels largest width * height accepted
 * @param maxBytes  largest encoded input accepted, in bytes
 */
public record ImageLimits(long maxPixels, long maxBytes) {

    /** 40 megapixels and 32 MiB of encoded data. */
    public static final ImageLimits DEFAULT = new ImageLimits(40_000_000L, 32L << 20);

    public ImageLimits {
        if (maxPixels <= 0 || maxPixels > RgbImage.MAX_PIXELS) {
            throw new IllegalArgumentException("maxPixels must be in 1.." + RgbImage.MAX_PIXELS
                    + ", got " + maxPixels);
        }
        if (maxBytes <= 0 || maxBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBytes must be in 1.." + (Integer.MAX_VALUE - 8)
                    + ", got " + maxBytes);
        }
    }
}
