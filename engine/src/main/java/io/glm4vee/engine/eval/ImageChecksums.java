package io.glm4vee.engine.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glm4vee.engine.image.DecodedImage;
import io.glm4vee.engine.image.PillowBicubic;
import io.glm4vee.engine.image.RgbImage;

/** Checksums of every preprocessing stage in the golden "images" schema. */
final class ImageChecksums {
    private ImageChecksums() {
    }

    static ObjectNode of(DecodedImage decoded, float[] pixels, int size) {
        RgbImage img = decoded.image();
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("width", img.width());
        o.put("height", img.height());
        long rgbSum = 0;
        for (byte b : img.rgb()) {
            rgbSum += b & 0xFF;
        }
        o.put("decoded_rgb_sum", rgbSum);
        o.put("decoded_alpha_sum", decoded.alphaSum());
        ArrayNode first = o.putArray("decoded_first_pixel_rgb");
        for (int c = 0; c < 3; c++) {
            first.add(img.rgb()[c] & 0xFF);
        }
        RgbImage resized = PillowBicubic.resize(img, size, size);
        long resizedSum = 0;
        for (byte b : resized.rgb()) {
            resizedSum += b & 0xFF;
        }
        o.putArray("resized_size").add(size).add(size);
        o.put("resized_u8_sum", resizedSum);
        ArrayNode red = o.putArray("resized_u8_r_first8");
        for (int i = 0; i < Math.min(8, size * size); i++) {
            red.add(resized.rgb()[3 * i] & 0xFF);
        }
        o.putArray("pixel_shape").add(3).add(size).add(size);
        int plane = size * size;
        double[] sums = new double[3];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                sums[c] += pixels[c * plane + i];
            }
        }
        o.put("pixel_sum", sums[0] + sums[1] + sums[2]);
        ArrayNode c0 = o.putArray("pixel_c0_first8");
        for (int i = 0; i < Math.min(8, plane); i++) {
            c0.add(pixels[i]);
        }
        o.put("pixel_c1_sum", sums[1]);
        o.put("pixel_c2_sum", sums[2]);
        return o;
    }
}
