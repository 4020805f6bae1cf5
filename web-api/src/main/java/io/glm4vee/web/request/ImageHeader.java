package io.glm4vee.web.request;

import java.util.HexFormat;

/**
 * Format and size read from the first bytes of a PNG or JPEG, without decoding pixels: enough
 * to refuse "not an image" and "too many pixels" in the REST layer with a stable code. The
 * adapter decodes the image fully and reports what this cannot see (a corrupt body).
 */
public record ImageHeader(String format, long width, long height) {

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    public long pixels() {
        return width * height;
    }

    /** @throws IllegalArgumentException saying why the bytes are not a usable PNG or JPEG */
    public static ImageHeader read(byte[] data) {
        if (startsWith(data, PNG_MAGIC)) {
            return png(data);
        }
        if (data.length >= 3 && u8(data, 0) == 0xFF && u8(data, 1) == 0xD8 && u8(data, 2) == 0xFF) {
            return jpeg(data);
        }
        throw new IllegalArgumentException("not a PNG or JPEG image (it starts with "
                + HexFormat.ofDelimiter(" ").formatHex(data, 0, Math.min(8, data.length)) + ")");
    }

    // PNG: magic (8), then the IHDR chunk: length (4), "IHDR" (4), width (4), height (4), ...
    private static ImageHeader png(byte[] d) {
        if (d.length < 24 || d[12] != 'I' || d[13] != 'H' || d[14] != 'D' || d[15] != 'R') {
            throw new IllegalArgumentException("truncated PNG: no IHDR header");
        }
        return sized("PNG", u32(d, 16), u32(d, 20));
    }

    // JPEG: segments FF xx [len16 ...] until a start-of-frame (C0..CF except C4 DHT, C8 JPG, CC DAC)
    private static ImageHeader jpeg(byte[] d) {
        int i = 2;
        while (i + 1 < d.length) {
            if (u8(d, i) != 0xFF) {
                throw new IllegalArgumentException("corrupt JPEG: expected a marker at byte " + i);
            }
            int marker = u8(d, i + 1);
            if (marker == 0xFF) {           // fill byte
                i++;
                continue;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) { // markers without a length
                i += 2;
                continue;
            }
            if (marker == 0xD9 || marker == 0xDA) {
                throw new IllegalArgumentException("corrupt JPEG: no frame header before the image data");
            }
            if (i + 4 > d.length) {
                break;
            }
            int length = u16(d, i + 2);
            if (length < 2) {
                throw new IllegalArgumentException("corrupt JPEG: segment length " + length + " at byte " + i);
            }
            boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (frame) {
                if (i + 9 > d.length) {
                    break;
                }
                return sized("JPEG", u16(d, i + 7), u16(d, i + 5)); // precision (1), height (2), width (2)
            }
            i += 2 + length;
        }
        throw new IllegalArgumentException("truncated JPEG: no frame header");
    }

    private static ImageHeader sized(String format, long width, long height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException(format + " header gives an empty size " + width + "x" + height);
        }
        return new ImageHeader(format, width, height);
    }

    private static boolean startsWith(byte[] d, byte[] prefix) {
        if (d.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (d[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static int u8(byte[] d, int i) {
        return d[i] & 0xFF;
    }

    private static int u16(byte[] d, int i) {
        return (u8(d, i) << 8) | u8(d, i + 1);
    }

    private static long u32(byte[] d, int i) {
        return ((long) u16(d, i) << 16) | u16(d, i + 2);
    }
}
