package io.glm4vee.engine.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import org.junit.jupiter.api.Test;

class ClipPreprocessorTest {

    @Test
    void valuesFollowNumpyFloat32Order() {
        // numpy: np.float32(v) / np.float32(255), then (x - mean) / std, all float32
        float x = 128f / 255f;
        assertEquals((x - 0.4578275f) / 0.26130258f, ClipPreprocessor.normalize(128, 1));
        assertEquals((0f - 0.48145466f) / 0.26862954f, ClipPreprocessor.normalize(0, 0));
        assertEquals((1f - 0.40821073f) / 0.27577711f, ClipPreprocessor.normalize(255, 2));
    }

    @Test
    void layoutIsChannelPlaneRowColumn() {
        // 2x1 image: pixel (0,0) = (0, 10, 20), pixel (1,0) = (30, 40, 50)
        RgbImage img = new RgbImage(2, 1, new byte[] {0, 10, 20, 30, 40, 50});
        float[] out = ClipPreprocessor.normalize(img);
        float[] want = {
            ClipPreprocessor.normalize(0, 0), ClipPreprocessor.normalize(30, 0),
            ClipPreprocessor.normalize(10, 1), ClipPreprocessor.normalize(40, 1),
            ClipPreprocessor.normalize(20, 2), ClipPreprocessor.normalize(50, 2)};
        assertEquals(want.length, out.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], out[i], "index " + i);
        }
    }

    @Test
    void preprocessResizesToASquare() {
        RgbImage flat = PillowBicubicTest.filled(7, 3, 255, 0, 128);
        float[] out = ClipPreprocessor.preprocess(flat, 5);
        assertEquals(3 * 5 * 5, out.length);
        assertEquals(ClipPreprocessor.normalize(255, 0), out[0]);
        assertEquals(ClipPreprocessor.normalize(0, 1), out[25 + 24]);
        assertEquals(ClipPreprocessor.normalize(128, 2), out[50 + 12]);
    }

    @Test
    void badSizeIsRejected() {
        RgbImage img = PillowBicubicTest.filled(2, 2, 1, 2, 3);
        assertEquals(ErrorCode.BAD_REQUEST,
                assertThrows(EngineException.class, () -> ClipPreprocessor.preprocess(img, 0)).code());
    }
}
