package io.glm4vee.engine.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Properties of the resampler; bit identity with Pillow is in PillowIdentityImageTest. */
class PillowBicubicTest {

    @Test
    void kernelHasKeysShape() {
        assertEquals(1.0, PillowBicubic.bicubic(0.0));
        assertEquals(0.0, PillowBicubic.bicubic(1.0), 0.0); // -0.0 there, as in C
        assertEquals(0.0, PillowBicubic.bicubic(2.0), 0.0);
        assertEquals(0.0, PillowBicubic.bicubic(-2.5), 0.0);
        assertEquals(0.5625, PillowBicubic.bicubic(0.5));   // (1.5 * .5 - 2.5) * .25 + 1
        assertEquals(-0.0625, PillowBicubic.bicubic(-1.5)); // ((-3.5 * 1.5 + 8) * 1.5 - 4) * -.5
    }

    @Test
    void coefficientRowsSumToOneInFixedPoint() {
        int one = 1 << PillowBicubic.PRECISION_BITS;
        int[][] sizes = {{1, 112}, {3, 1120}, {517, 112}, {1400, 28}, {263, 1120}, {40, 28}};
        for (int[] s : sizes) {
            PillowBicubic.Coefficients c = PillowBicubic.coefficients(s[0], s[1]);
            for (int o = 0; o < s[1]; o++) {
                assertTrue(c.count()[o] >= 1 && c.count()[o] <= c.taps());
                assertTrue(c.start()[o] >= 0 && c.start()[o] + c.count()[o] <= s[0]);
                // each tap rounds by at most 1/2, so the row is within taps/2 of 2^22
                assertTrue(Math.abs(c.sum(o) - one) <= c.taps() / 2 + 1,
                        s[0] + "->" + s[1] + " row " + o + " sums to " + c.sum(o));
            }
        }
    }

    @Test
    void constantImageStaysConstant() {
        RgbImage flat = filled(37, 23, 200, 0, 255);
        for (int[] size : new int[][] {{1, 1}, {112, 112}, {5, 300}, {300, 5}}) {
            RgbImage out = PillowBicubic.resize(flat, size[0], size[1]);
            for (int i = 0; i < out.rgb().length; i += 3) {
                assertEquals(200, out.rgb()[i] & 0xFF);
                assertEquals(0, out.rgb()[i + 1] & 0xFF);
                assertEquals(255, out.rgb()[i + 2] & 0xFF);
            }
        }
    }

    @Test
    void sameSizeIsAnEqualCopy() {
        RgbImage img = noise(9, 4, 1);
        RgbImage out = PillowBicubic.resize(img, 9, 4);
        assertNotSame(img.rgb(), out.rgb());
        assertArrayEquals(img.rgb(), out.rgb());
    }

    @Test
    void passesAreSeparable() {
        // width only touches rows, height only touches columns: resizing in two calls equals one
        RgbImage img = noise(31, 17, 2);
        RgbImage both = PillowBicubic.resize(img, 12, 40);
        RgbImage twoSteps = PillowBicubic.resize(PillowBicubic.resize(img, 12, 17), 12, 40);
        assertArrayEquals(both.rgb(), twoSteps.rgb());
    }

    @Test
    void overshootIsClamped() {
        // a hard black/white edge makes the negative lobes overshoot below 0 and above 255
        RgbImage edge = new RgbImage(8, 1, new byte[24]);
        for (int x = 4; x < 8; x++) {
            edge.rgb()[x * 3] = (byte) 255;
        }
        RgbImage out = PillowBicubic.resize(edge, 29, 1);
        int min = 255;
        int max = 0;
        for (int x = 0; x < 29; x++) {
            min = Math.min(min, out.sample(x, 0, 0));
            max = Math.max(max, out.sample(x, 0, 0));
        }
        assertEquals(0, min);
        assertEquals(255, max);
    }

    @Test
    void badTargetsAreRejected() {
        RgbImage img = noise(3, 3, 3);
        assertEquals(ErrorCode.BAD_REQUEST,
                assertThrows(EngineException.class, () -> PillowBicubic.resize(img, 0, 5)).code());
        assertEquals(ErrorCode.IMAGE_TOO_LARGE, assertThrows(EngineException.class,
                () -> PillowBicubic.resize(img, 100_000, 100_000)).code());
    }

    static RgbImage filled(int w, int h, int r, int g, int b) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) r;
            rgb[i + 1] = (byte) g;
            rgb[i + 2] = (byte) b;
        }
        return new RgbImage(w, h, rgb);
    }

    static RgbImage noise(int w, int h, long seed) {
        byte[] rgb = new byte[w * h * 3];
        new Random(seed).nextBytes(rgb);
        return new RgbImage(w, h, rgb);
    }
}
