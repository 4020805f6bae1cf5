package io.glm4vee.engine.image;

import static io.glm4vee.engine.image.ImageChecksums.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Limits, bad input and the alpha rule; Pillow identity is in PillowIdentityImageTest. */
class ImageDecoderTest {

    private static final byte[] GRADIENT = resource("/fixtures/glm4v-tiny-a/gradient_40x30.png");
    private static final byte[] JPEG = resource("/images/photo_420_q90.jpg");

    @Test
    void pngHeaderClaimingHugeSizeIsRejectedBeforePixelsAreRead() {
        byte[] png = png(100_000, 100_000, deflate(new byte[] {0, 1, 2, 3}));
        // a decoder that tried to allocate 10^10 pixels would fail differently (or run out of memory)
        EngineException e = assertTimeoutFail(() -> new ImageDecoder().decode(png));
        assertEquals(ErrorCode.IMAGE_TOO_LARGE, e.code());
        assertTrue(e.getMessage().contains("100000x100000"), e.getMessage());
        assertTrue(e.getMessage().contains("40000000"), e.getMessage());
    }

    @Test
    void jpegHeaderClaimingHugeSizeIsRejected() {
        byte[] jpeg = JPEG.clone();
        int sof = indexOfMarker(jpeg, 0xC0); // baseline SOF: FFC0 len(2) precision(1) h(2) w(2)
        jpeg[sof + 5] = (byte) 0xEA; // 60000: under libjpeg's own 65500 ceiling, over our limit
        jpeg[sof + 6] = (byte) 0x60;
        jpeg[sof + 7] = (byte) 0xEA;
        jpeg[sof + 8] = (byte) 0x60;
        EngineException e = assertTimeoutFail(() -> new ImageDecoder().decode(jpeg));
        assertEquals(ErrorCode.IMAGE_TOO_LARGE, e.code());
        assertTrue(e.getMessage().contains("60000x60000"), e.getMessage());
    }

    @Test
    void pixelLimitIsConfigurableAndInclusive() {
        ImageDecoder exact = new ImageDecoder(new ImageLimits(40 * 30, 1 << 20));
        assertEquals(40, exact.decode(GRADIENT).width());
        ImageDecoder tight = new ImageDecoder(new ImageLimits(40 * 30 - 1, 1 << 20));
        EngineException e = assertThrows(EngineException.class, () -> tight.decode(GRADIENT));
        assertEquals(ErrorCode.IMAGE_TOO_LARGE, e.code());
        assertTrue(e.getMessage().contains("40x30") && e.getMessage().contains("1199"),
                e.getMessage());
    }

    @Test
    void byteLimitAppliesToArraysAndFiles(@TempDir Path dir) throws IOException {
        ImageDecoder small = new ImageDecoder(new ImageLimits(1_000_000, GRADIENT.length - 1));
        EngineException e = assertThrows(EngineException.class, () -> small.decode(GRADIENT));
        assertEquals(ErrorCode.IMAGE_TOO_LARGE, e.code());
        assertTrue(e.getMessage().contains(String.valueOf(GRADIENT.length)), e.getMessage());

        Path file = dir.resolve("g.png");
        Files.write(file, GRADIENT);
        e = assertThrows(EngineException.class, () -> small.decode(file));
        assertEquals(ErrorCode.IMAGE_TOO_LARGE, e.code());
        assertEquals(30, new ImageDecoder().decode(file).height());
    }

    @Test
    void limitsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new ImageLimits(0, 10));
        assertThrows(IllegalArgumentException.class, () -> new ImageLimits(10, -1));
        assertThrows(IllegalArgumentException.class, () -> new ImageLimits(Long.MAX_VALUE, 10));
    }

    @Test
    void emptyAndMissingInputAreBadImage(@TempDir Path dir) {
        assertBad(new byte[0], "empty");
        assertBad(null, "empty");
        EngineException e = assertThrows(EngineException.class,
                () -> new ImageDecoder().decode(dir.resolve("missing.png")));
        assertEquals(ErrorCode.BAD_IMAGE, e.code());
        assertTrue(e.getMessage().contains("missing.png"), e.getMessage());
    }

    @Test
    void unknownFormatIsBadImage() {
        assertBad("GIF89a not really".getBytes(StandardCharsets.US_ASCII), "not a PNG or JPEG");
        assertBad(new byte[] {1, 2, 3}, "not a PNG or JPEG");
    }

    @Test
    void truncatedAndCorruptPngAreBadImageWithCause() {
        EngineException e = assertBad(Arrays.copyOf(GRADIENT, GRADIENT.length / 2), "PNG");
        assertNotNull(e.getCause());
        e = assertBad(Arrays.copyOf(GRADIENT, 20), "PNG");           // cut inside IHDR
        assertNotNull(e.getCause());
        e = assertBad(png(8, 8, "not a zlib stream".getBytes(StandardCharsets.US_ASCII)), "PNG");
        assertNotNull(e.getCause());
    }

    @Test
    void truncatedJpegIsRefusedLikePillowDoes() {
        // ImageIO would pad the missing rows with gray and only warn
        assertBad(Arrays.copyOf(JPEG, JPEG.length * 3 / 4), "truncated");
        assertBad(Arrays.copyOf(JPEG, JPEG.length - 2), "truncated");   // no EOI marker
        assertBad(Arrays.copyOf(JPEG, 3), "JPEG");
    }

    @Test
    void alphaIsDroppedWithoutCompositing() {
        DecodedImage d = new ImageDecoder().decodeDetailed(resource("/images/rgba_blocks_64x48.png"));
        assertTrue(d.hasAlpha());
        // (10, 10) lies in a fully transparent block drawn over (40, 54, 5) by make_expected.py;
        // compositing onto black or white would change it
        RgbImage img = d.image();
        assertEquals(40, img.sample(10, 10, 0));
        assertEquals(54, img.sample(10, 10, 1));
        assertEquals(5, img.sample(10, 10, 2));
    }

    @Test
    void opaqueImagesReportFullAlpha() {
        DecodedImage d = new ImageDecoder().decodeDetailed(GRADIENT);
        assertFalse(d.hasAlpha());
        assertEquals(255L * 40 * 30, d.alphaSum());
        assertEquals("PNG", d.format());
        assertEquals("JPEG", new ImageDecoder().decodeDetailed(JPEG).format());
    }

    // ---------------------------------------------------------------- helpers

    private static EngineException assertBad(byte[] data, String messagePart) {
        EngineException e = assertThrows(EngineException.class, () -> new ImageDecoder().decode(data));
        assertEquals(ErrorCode.BAD_IMAGE, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one-line message: " + e.getMessage());
        return e;
    }

    private static EngineException assertTimeoutFail(Runnable r) {
        return org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(EngineException.class, r::run));
    }

    private static int indexOfMarker(byte[] jpeg, int marker) {
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == marker) {
                return i;
            }
        }
        throw new AssertionError("no marker " + Integer.toHexString(marker));
    }

    /** An 8-bit RGB PNG with the given header size and one IDAT chunk. */
    static byte[] png(int width, int height, byte[] idat) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", idat);
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] raw) {
        Deflater z = new Deflater();
        z.setInput(raw);
        z.finish();
        byte[] buf = new byte[raw.length + 64];
        byte[] out = Arrays.copyOf(buf, z.deflate(buf));
        z.end();
        return out;
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] body) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(body);
        out.writeBytes(ByteBuffer.allocate(4).putInt(body.length).array());
        out.writeBytes(t);
        out.writeBytes(body);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
