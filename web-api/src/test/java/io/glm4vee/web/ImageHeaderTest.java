package io.glm4vee.web;

import io.glm4vee.web.request.ImageHeader;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageHeaderTest {

    @Test
    void readsPngAndJpegSizes() {
        assertEquals(new ImageHeader("PNG", 64, 48), ImageHeader.read(TestImages.png(64, 48)));
        assertEquals(new ImageHeader("JPEG", 33, 17), ImageHeader.read(TestImages.jpeg(33, 17)));
    }

    @Test
    void readsTheDemoModelsExamples() throws Exception {
        Path examples = Path.of("../models/glm4v-shapes-demo/examples");
        if (!Files.isDirectory(examples)) {
            return;
        }
        try (var files = Files.list(examples)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".png")).toList()) {
                ImageHeader h = ImageHeader.read(Files.readAllBytes(f));
                assertEquals("PNG", h.format(), f.toString());
                assertTrue(h.pixels() > 0, f.toString());
            }
        }
    }

    @Test
    void refusesWhatIsNotAPngOrJpeg() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ImageHeader.read("hello".getBytes()));
        assertEquals("not a PNG or JPEG image (it starts with 68 65 6c 6c 6f)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ImageHeader.read(new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> ImageHeader.read("GIF89a....".getBytes()));
    }

    @Test
    void refusesTruncatedHeaders() {
        byte[] png = TestImages.png(8, 8);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageHeader.read(Arrays.copyOf(png, 20)))
                .getMessage().contains("truncated PNG"));
        byte[] jpeg = TestImages.jpeg(8, 8);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ImageHeader.read(Arrays.copyOf(jpeg, 30)))
                .getMessage().contains("JPEG"));
        assertThrows(IllegalArgumentException.class,
                () -> ImageHeader.read(new byte[]{(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9}));
    }

    @Test
    void readsAClaimedSizeWithoutPixels() {
        byte[] header = Arrays.copyOf(TestImages.png(1, 1), 24);
        header[16] = 0x00; header[17] = 0x01; header[18] = (byte) 0x86; header[19] = (byte) 0xA0; // 100000
        header[20] = 0x00; header[21] = 0x01; header[22] = (byte) 0x86; header[23] = (byte) 0xA0;
        assertEquals(10_000_000_000L, ImageHeader.read(header).pixels());
    }
}
