package io.glm4vee.engine.image;

import static io.glm4vee.engine.image.ImageChecksums.close;
import static io.glm4vee.engine.image.ImageChecksums.redFirst;
import static io.glm4vee.engine.image.ImageChecksums.resource;
import static io.glm4vee.engine.image.ImageChecksums.sum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every "images" checksum of the glm4v-tiny-a golden file, stage by stage. */
class FixtureImageGoldenTest {

    private static final String DIR = "/fixtures/glm4v-tiny-a/";
    private static final int IMAGE_SIZE = 28; // the tiny model's vision_config.image_size

    private static JsonNode images;

    @BeforeAll
    static void load() throws IOException {
        images = new ObjectMapper().readTree(resource(DIR + "golden.json")).get("images");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gradient_40x30.png", "rgba_24x36.png"})
    void decodeResizeAndNormaliseMatchGolden(String name) {
        JsonNode g = images.get(name);
        assertEquals(IMAGE_SIZE, g.get("resized_size").get(0).asInt());

        DecodedImage decoded = new ImageDecoder().decodeDetailed(resource(DIR + name));
        RgbImage rgb = decoded.image();
        assertEquals(g.get("width").asInt(), rgb.width());
        assertEquals(g.get("height").asInt(), rgb.height());
        assertEquals(g.get("decoded_rgb_sum").asLong(), sum(rgb.rgb()));
        assertEquals(g.get("decoded_alpha_sum").asLong(), decoded.alphaSum());
        assertArrayEquals(ints(g.get("decoded_first_pixel_rgb")),
                new int[] {rgb.sample(0, 0, 0), rgb.sample(0, 0, 1), rgb.sample(0, 0, 2)});

        RgbImage resized = PillowBicubic.resize(rgb, IMAGE_SIZE, IMAGE_SIZE);
        assertEquals(g.get("resized_u8_sum").asLong(), sum(resized.rgb()));
        assertArrayEquals(ints(g.get("resized_u8_r_first8")), redFirst(resized, 8));

        float[] pix = ClipPreprocessor.preprocess(rgb, IMAGE_SIZE);
        int plane = IMAGE_SIZE * IMAGE_SIZE;
        assertEquals(3 * plane, pix.length);
        assertClose(g.get("pixel_sum"), sum(pix, 0, 3 * plane), "pixel_sum");
        assertClose(g.get("pixel_c1_sum"), sum(pix, plane, 2 * plane), "pixel_c1_sum");
        assertClose(g.get("pixel_c2_sum"), sum(pix, 2 * plane, 3 * plane), "pixel_c2_sum");
        double[] first8 = IntStream.range(0, 8).mapToDouble(i -> pix[i]).toArray();
        assertTrue(close(doubles(g.get("pixel_c0_first8")), first8), "pixel_c0_first8");
    }

    static void assertClose(JsonNode want, double got, String what) {
        assertTrue(close(new double[] {want.asDouble()}, new double[] {got}),
                what + ": want " + want.asDouble() + ", got " + got);
    }

    static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }
}
