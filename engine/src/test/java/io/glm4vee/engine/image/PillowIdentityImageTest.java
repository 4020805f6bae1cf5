package io.glm4vee.engine.image;

import static io.glm4vee.engine.image.FixtureImageGoldenTest.doubles;
import static io.glm4vee.engine.image.FixtureImageGoldenTest.ints;
import static io.glm4vee.engine.image.ImageChecksums.close;
import static io.glm4vee.engine.image.ImageChecksums.redFirst;
import static io.glm4vee.engine.image.ImageChecksums.resource;
import static io.glm4vee.engine.image.ImageChecksums.sha256;
import static io.glm4vee.engine.image.ImageChecksums.sum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Decoder, resize and normalisation against Pillow 9.4 on the images made by
 * {@code src/test/resources/images/make_expected.py} (see the README there).
 */
class PillowIdentityImageTest {

    private static final String DIR = "/images/";

    /**
     * ImageIO's JPEG decoder (IJG libjpeg 6b inside the JDK) against Pillow's (libjpeg-turbo),
     * largest |difference| of one decoded sample, measured on the three test JPEGs.
     */
    static final int JPEG_MAX_ABS_DIFF = 0;

    @TestFactory
    List<DynamicTest> everyImageMatchesPillow() throws IOException {
        JsonNode doc = new ObjectMapper().readTree(resource(DIR + "expected.json"));
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : doc.get("images").properties()) {
            tests.add(DynamicTest.dynamicTest(e.getKey(), () -> check(e.getKey(), e.getValue())));
        }
        assertTrue(tests.size() >= 20, "expected.json lists " + tests.size() + " images");
        return tests;
    }

    private static void check(String name, JsonNode e) {
        DecodedImage decoded = new ImageDecoder().decodeDetailed(resource(DIR + name));
        RgbImage rgb = decoded.image();
        assertEquals(e.get("format").asText(), decoded.format());
        assertEquals(e.get("width").asInt(), rgb.width());
        assertEquals(e.get("height").asInt(), rgb.height());
        if (e.has("pillow_decoded_png")) {
            RgbImage pillow = new ImageDecoder().decode(resource(DIR + e.get("pillow_decoded_png").asText()));
            assertEquals(e.get("rgb_sha256").asText(), sha256(pillow.rgb()), "Pillow's pixels");
            int diff = maxAbsDiff(pillow, rgb);
            System.out.println("JPEG " + name + ": max |ImageIO - Pillow| = " + diff
                    + ", differing samples " + countDiff(pillow, rgb) + " of " + rgb.rgb().length);
            assertTrue(diff <= JPEG_MAX_ABS_DIFF, name + ": decoders differ by " + diff);
            checkStages(name, pillow, e);   // resize and normalise on Pillow's pixels
            return;
        }
        assertEquals(e.get("rgb_sha256").asText(), sha256(rgb.rgb()), name + " decoded RGB");
        assertEquals(e.get("rgb_sum").asLong(), sum(rgb.rgb()));
        assertArrayEquals(ints(e.get("first_pixel_rgb")),
                new int[] {rgb.sample(0, 0, 0), rgb.sample(0, 0, 1), rgb.sample(0, 0, 2)});
        assertEquals(e.get("alpha_sum").asLong(), decoded.alphaSum(), name + " alpha sum");
        checkStages(name, rgb, e);
    }

    private static void checkStages(String name, RgbImage rgb, JsonNode e) {
        for (JsonNode r : e.get("resized")) {
            int w = r.get("width").asInt();
            int h = r.get("height").asInt();
            RgbImage out = PillowBicubic.resize(rgb, w, h);
            String what = name + " -> " + w + "x" + h;
            assertEquals(w, out.width(), what);
            assertEquals(h, out.height(), what);
            assertEquals(r.get("sum").asLong(), sum(out.rgb()), what + " sum");
            int n = Math.min(8, w * h);
            assertArrayEquals(ints(r.get("r_first8")), redFirst(out, n), what + " red");
            assertEquals(r.get("sha256").asText(), sha256(out.rgb()), what + " sha256");
        }
        for (JsonNode p : e.get("pixels")) {
            int s = p.get("size").asInt();
            int plane = s * s;
            float[] pix = ClipPreprocessor.preprocess(rgb, s);
            String what = name + " pixels " + s;
            // the same bytes through the same float32 ops: the first values are exact
            double[] first8 = IntStream.range(0, 8).mapToDouble(i -> pix[i]).toArray();
            assertArrayEquals(doubles(p.get("pixel_c0_first8")), first8, 0.0, what);
            // numpy sums pairwise, this test sums left to right: compare.py's tolerance
            assertSum(p.get("pixel_sum"), sum(pix, 0, 3 * plane), what + " sum");
            assertSum(p.get("pixel_c1_sum"), sum(pix, plane, 2 * plane), what + " c1");
            assertSum(p.get("pixel_c2_sum"), sum(pix, 2 * plane, 3 * plane), what + " c2");
        }
    }

    private static void assertSum(JsonNode want, double got, String what) {
        assertTrue(close(new double[] {want.asDouble()}, new double[] {got}),
                what + ": want " + want.asDouble() + ", got " + got);
    }

    static int maxAbsDiff(RgbImage a, RgbImage b) {
        int d = 0;
        for (int i = 0; i < a.rgb().length; i++) {
            d = Math.max(d, Math.abs((a.rgb()[i] & 0xFF) - (b.rgb()[i] & 0xFF)));
        }
        return d;
    }

    static int countDiff(RgbImage a, RgbImage b) {
        int n = 0;
        for (int i = 0; i < a.rgb().length; i++) {
            n += a.rgb()[i] != b.rgb()[i] ? 1 : 0;
        }
        return n;
    }
}
