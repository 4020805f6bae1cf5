package io.glm4vee.engine.image;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;

import java.util.Arrays;

/**
 * Pillow's {@code Image.resize(size, Image.BICUBIC)} for 8-bit RGB, bit for bit (PIL
 * {@code Resample.c}, spec section 6). Two separable passes, each writing uint8: horizontal if
 * the width changes, then vertical if the height changes. Per output index the taps come from
 * a bicubic kernel (a = -0.5) stretched by max(in/out, 1), normalised to sum 1 in double, then
 * rounded half away from zero to fixed point with 22 fractional bits. Each output sample is
 * clamp((2^21 + sum k * v) >> 22, 0, 255), summed in int32 like Pillow does.
 */
public final class PillowBicubic {

    /** Pillow's PRECISION_BITS = 32 - 8 - 2: room for 8-bit samples and the kernel's overshoot. */
    static final int PRECISION_BITS = 22;
    private static final int ROUND_BIAS = 1 << (PRECISION_BITS - 1);
    private static final double BICUBIC_A = -0.5;
    private static final double BICUBIC_SUPPORT = 2.0;

    private PillowBicubic() {
    }

    /** Resizes to outWidth x outHeight, ignoring the aspect ratio. Returns a new image. */
    public static RgbImage resize(RgbImage src, int outWidth, int outHeight) {
        if (outWidth <= 0 || outHeight <= 0) {
            throw new EngineException(ErrorCode.BAD_REQUEST,
                    "resize target must be positive, got " + outWidth + "x" + outHeight);
        }
        if ((long) outWidth * outHeight > RgbImage.MAX_PIXELS
                || (long) outWidth * src.height() > RgbImage.MAX_PIXELS) {
            throw new EngineException(ErrorCode.IMAGE_TOO_LARGE, "resize " + src.width() + "x"
                    + src.height() + " -> " + outWidth + "x" + outHeight + " is too large");
        }
        RgbImage img = src;
        if (outWidth != img.width()) {
            img = horizontal(img, outWidth);
        }
        if (outHeight != img.height()) {
            img = vertical(img, outHeight);
        }
        return img == src ? new RgbImage(src.width(), src.height(), src.rgb().clone()) : img;
    }

    /**
     * Fixed-point taps of one pass. Output index o reads {@code count[o]} input samples starting
     * at {@code start[o]}, weighted by {@code weights[o * taps ..]}.
     */
    record Coefficients(int taps, int[] start, int[] count, int[] weights) {
        // start, count: (outSize,); weights: (outSize, taps)

        int sum(int o) {
            int s = 0;
            for (int t = 0; t < count[o]; t++) {
                s += weights[o * taps + t];
            }
            return s;
        }
    }

    /** Pillow's precompute_coeffs followed by normalize_coeffs_8bpc. */
    static Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = BICUBIC_SUPPORT * filterScale;
        int taps = (int) Math.ceil(support) * 2 + 1;
        double invFilterScale = 1.0 / filterScale;
        int[] start = new int[outSize];
        int[] count = new int[outSize];
        int[] weights = new int[outSize * taps];
        double[] w = new double[taps];
        for (int o = 0; o < outSize; o++) {
            double center = (o + 0.5) * scale;
            // (int) truncates toward zero, as C's cast does; that is Pillow's "round"
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize);
            int n = xmax - xmin;
            double total = 0.0;
            for (int x = 0; x < n; x++) {
                w[x] = bicubic((x + xmin - center + 0.5) * invFilterScale);
                total += w[x];
            }
            for (int x = 0; x < n; x++) {
                double v = total != 0.0 ? w[x] / total : w[x];
                weights[o * taps + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS))
                        : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
            start[o] = xmin;
            count[o] = n;
        }
        return new Coefficients(taps, start, count, weights);
    }

    /** Keys' cubic with a = -0.5, written in Pillow's evaluation order. */
    static double bicubic(double x) {
        if (x < 0.0) {
            x = -x;
        }
        if (x < 1.0) {
            return ((BICUBIC_A + 2.0) * x - (BICUBIC_A + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * BICUBIC_A;
        }
        return 0.0;
    }

    private static byte clip8(int acc) {
        int v = acc >> PRECISION_BITS; // arithmetic shift: negative sums stay negative
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    // src (h, inW, 3) -> out (h, outW, 3)
    private static RgbImage horizontal(RgbImage img, int outW) {
        int inW = img.width();
        int h = img.height();
        Coefficients c = coefficients(inW, outW);
        byte[] src = img.rgb();
        byte[] out = new byte[outW * h * 3];
        int o = 0;
        for (int y = 0; y < h; y++) {
            int rowStart = y * inW * 3;
            for (int xx = 0; xx < outW; xx++) {
                int r = ROUND_BIAS;
                int g = ROUND_BIAS;
                int b = ROUND_BIAS;
                int k = xx * c.taps();
                int p = rowStart + c.start()[xx] * 3;
                for (int t = 0, n = c.count()[xx]; t < n; t++, p += 3) {
                    int wt = c.weights()[k + t];
                    r += (src[p] & 0xFF) * wt;
                    g += (src[p + 1] & 0xFF) * wt;
                    b += (src[p + 2] & 0xFF) * wt;
                }
                out[o++] = clip8(r);
                out[o++] = clip8(g);
                out[o++] = clip8(b);
            }
        }
        return new RgbImage(outW, h, out);
    }

    // src (inH, w, 3) -> out (outH, w, 3). Taps outermost so every read runs along a row;
    // int addition is associative, so the sums equal Pillow's tap-by-tap ones.
    private static RgbImage vertical(RgbImage img, int outH) {
        int w = img.width();
        int inH = img.height();
        int rowLen = w * 3;
        Coefficients c = coefficients(inH, outH);
        byte[] src = img.rgb();
        byte[] out = new byte[outH * rowLen];
        int[] acc = new int[rowLen]; // (w * 3,) sums for one output row
        for (int yy = 0; yy < outH; yy++) {
            Arrays.fill(acc, ROUND_BIAS);
            int k = yy * c.taps();
            int p = c.start()[yy] * rowLen;
            for (int t = 0, n = c.count()[yy]; t < n; t++, p += rowLen) {
                int wt = c.weights()[k + t];
                for (int i = 0; i < rowLen; i++) {
                    acc[i] += (src[p + i] & 0xFF) * wt;
                }
            }
            int o = yy * rowLen;
            for (int i = 0; i < rowLen; i++) {
                out[o + i] = clip8(acc[i]);
            }
        }
        return new RgbImage(w, outH, out);
    }
}
