package io.glm4vee.engine.image;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes PNG and JPEG bytes with javax.imageio into the RGB picture Pillow's
 * {@code Image.open(f).convert('RGB')} gives (Pillow 9.4, the version the reference checks):
 * <ul>
 *   <li>alpha is dropped without compositing, so transparent pixels keep their colour;</li>
 *   <li>gray is replicated to R = G = B from the raw samples. {@code BufferedImage.getRGB} is
 *       not used: for gray images Java converts from linear gray to sRGB and changes values;</li>
 *   <li>palette and 1/2/4-bit gray images are expanded through their colour table (ImageIO's
 *       gray ramp i * 255 / (2^bits - 1) equals Pillow's unpacking);</li>
 *   <li>16-bit samples keep their high byte (v >> 8), except 16-bit gray without alpha: Pillow
 *       opens it as 32-bit mode "I" and {@code convert('RGB')} clips it to 255.</li>
 * </ul>
 * The header's width and height are checked against {@link ImageLimits} before pixels are read.
 * Thread-safe: every call uses its own ImageReader.
 */
public final class ImageDecoder {

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int PNG_COLOR_GRAY = 0;

    private final ImageLimits limits;

    public ImageDecoder() {
        this(ImageLimits.DEFAULT);
    }

    public ImageDecoder(ImageLimits limits) {
        if (limits == null) {
            throw new IllegalArgumentException("limits must not be null");
        }
        this.limits = limits;
    }

    public ImageLimits limits() {
        return limits;
    }

    public RgbImage decode(byte[] data) {
        return decodeDetailed(data).image();
    }

    public RgbImage decode(Path file) {
        return decodeDetailed(file).image();
    }

    public DecodedImage decodeDetailed(Path file) {
        byte[] data;
        try {
            checkBytes(Files.size(file));
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new EngineException(ErrorCode.BAD_IMAGE,
                    "cannot read image file " + file + ": " + oneLine(e), e);
        }
        return decodeDetailed(data);
    }

    public DecodedImage decodeDetailed(byte[] data) {
        if (data == null || data.length == 0) {
            throw new EngineException(ErrorCode.BAD_IMAGE, "image data is empty");
        }
        checkBytes(data.length);
        String format = sniffFormat(data);
        ImageReader reader = readerFor(format);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
            // metadata is not ignored: the PNG reader needs tRNS to report transparency
            reader.setInput(in, true, false);
            int[] size = readSize(reader, format); // header only, no pixels yet
            int width = size[0];
            int height = size[1];
            checkPixels(width, height);
            BufferedImage picture = readPixels(reader, format, width, height);
            // IHDR is always the first chunk: bit depth at byte 24, colour type at byte 25
            boolean gray16Clips = "PNG".equals(format) && data.length > 25
                    && data[25] == PNG_COLOR_GRAY && data[24] == 16;
            return toRgb(picture, format, gray16Clips);
        } catch (IOException e) {   // only from closing the in-memory stream
            throw new EngineException(ErrorCode.BAD_IMAGE, "cannot read " + format + " image: "
                    + oneLine(e), e);
        } finally {
            reader.dispose();
        }
    }

    // ---------------------------------------------------------------- checks before decoding

    private void checkBytes(long size) {
        if (size > limits.maxBytes()) {
            throw new EngineException(ErrorCode.IMAGE_TOO_LARGE, "image data is " + size
                    + " bytes, over the limit of " + limits.maxBytes() + " bytes");
        }
    }

    private void checkPixels(int width, int height) {
        long pixels = (long) width * height;
        if (width <= 0 || height <= 0) {
            throw new EngineException(ErrorCode.BAD_IMAGE,
                    "image header gives an empty size " + width + "x" + height);
        }
        if (pixels > limits.maxPixels()) {
            throw new EngineException(ErrorCode.IMAGE_TOO_LARGE, "image is " + width + "x"
                    + height + " (" + pixels + " pixels), over the limit of "
                    + limits.maxPixels() + " pixels");
        }
    }

    private static String sniffFormat(byte[] data) {
        if (data.length >= PNG_MAGIC.length
                && Arrays.equals(data, 0, PNG_MAGIC.length, PNG_MAGIC, 0, PNG_MAGIC.length)) {
            return "PNG";
        }
        if (data.length >= 3 && (data[0] & 0xFF) == 0xFF && (data[1] & 0xFF) == 0xD8
                && (data[2] & 0xFF) == 0xFF) {
            return "JPEG";
        }
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < Math.min(8, data.length); i++) {
            head.append(String.format(" %02x", data[i] & 0xFF));
        }
        throw new EngineException(ErrorCode.BAD_IMAGE,
                "not a PNG or JPEG image (first bytes" + head + ")");
    }

    /** The JDK's own reader when present, so results do not depend on which plugins are around. */
    private static ImageReader readerFor(String format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.toLowerCase());
        ImageReader chosen = null;
        while (readers.hasNext()) {
            ImageReader r = readers.next();
            if (chosen == null || r.getClass().getName().startsWith("com.sun.imageio.")) {
                if (chosen != null) {
                    chosen.dispose();
                }
                chosen = r;
            } else {
                r.dispose();
            }
        }
        if (chosen == null) {
            throw new EngineException(ErrorCode.INTERNAL, "no ImageIO reader for " + format);
        }
        return chosen;
    }

    // ImageIO readers throw IOException for bad data, and sometimes unchecked exceptions
    // (IllegalArgumentException, IndexOutOfBounds...) from deep inside; both mean a bad file.

    private static int[] readSize(ImageReader reader, String format) {
        try {
            return new int[] {reader.getWidth(0), reader.getHeight(0)};
        } catch (IOException | RuntimeException e) {
            throw badData(format, "header", e);
        }
    }

    private static BufferedImage readPixels(ImageReader reader, String format, int width,
                                            int height) {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        BufferedImage picture;
        try {
            picture = reader.read(0);
        } catch (IOException | RuntimeException e) {
            throw badData(format, "pixel data", e);
        }
        // The JDK's JPEG reader pads a truncated file with gray and only warns; Pillow refuses
        // it ("image file is truncated"), so do we. Other warnings (such as extraneous bytes
        // before a marker) are tolerated by both.
        for (String w : warnings) {
            String lower = w.toLowerCase(Locale.ROOT);
            if (lower.contains("truncated") || lower.contains("premature end")) {
                throw new EngineException(ErrorCode.BAD_IMAGE,
                        format + " image data is truncated (" + oneLine(w) + ")");
            }
        }
        if (picture.getWidth() != width || picture.getHeight() != height) {
            throw new EngineException(ErrorCode.BAD_IMAGE, format + " decoder returned "
                    + picture.getWidth() + "x" + picture.getHeight() + ", header said "
                    + width + "x" + height);
        }
        return picture;
    }

    private static EngineException badData(String format, String part, Exception e) {
        return new EngineException(ErrorCode.BAD_IMAGE,
                "cannot decode " + format + " image " + part + ": " + oneLine(e), e);
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage();
        return oneLine(m == null || m.isBlank() ? e.getClass().getSimpleName() : m);
    }

    private static String oneLine(String text) {
        return text.replaceAll("\\s+", " ").strip();
    }

    // ---------------------------------------------------------------- samples -> RGB

    private static DecodedImage toRgb(BufferedImage picture, String format, boolean gray16Clips) {
        ColorModel cm = picture.getColorModel();
        if (cm instanceof IndexColorModel icm) {
            return fromPalette(picture.getRaster(), icm, format);
        }
        int colors = cm.getNumColorComponents();
        if (colors != 1 && colors != 3) {
            throw new EngineException(ErrorCode.BAD_IMAGE, format + " image with " + colors
                    + " colour components (" + cm.getColorSpace().getType()
                    + ") is not supported; expected gray or RGB");
        }
        int bits = cm.getComponentSize(0);
        for (int i = 1; i < cm.getNumComponents(); i++) {
            if (cm.getComponentSize(i) != bits) {
                bits = -1;
            }
        }
        if (bits != 8 && bits != 16) {
            throw new EngineException(ErrorCode.BAD_IMAGE, format + " image with sample depths "
                    + Arrays.toString(cm.getComponentSize())
                    + " is not supported; expected 8 or 16 bits");
        }
        boolean alpha = cm.hasAlpha();
        Reduce reduce = bits == 8 ? Reduce.NONE
                : (colors == 1 && !alpha && gray16Clips) ? Reduce.CLIP : Reduce.HIGH_BYTE;
        return fromComponents(picture.getRaster(), colors, alpha, reduce, format);
    }

    private enum Reduce { NONE, HIGH_BYTE, CLIP }

    private static int reduce(int v, Reduce how) {
        return switch (how) {
            case NONE -> v;
            case HIGH_BYTE -> v >> 8;
            case CLIP -> Math.min(v, 255);
        };
    }

    private static DecodedImage fromComponents(Raster raster, int colors, boolean hasAlpha,
                                               Reduce how, String format) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int bands = raster.getNumBands();
        int alphaBand = hasAlpha ? colors : -1;
        if (bands < colors + (hasAlpha ? 1 : 0)) {
            throw new EngineException(ErrorCode.BAD_IMAGE, format + " raster has " + bands
                    + " bands, expected " + (colors + (hasAlpha ? 1 : 0)));
        }
        byte[] rgb = new byte[w * h * 3];
        int[] row = new int[w * bands]; // (w, bands), one row of samples in colour-model order
        long alphaSum = 0;
        int o = 0;
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, row);
            for (int x = 0, p = 0; x < w; x++, p += bands) {
                if (colors == 1) {
                    byte g = (byte) reduce(row[p], how);
                    rgb[o] = g;
                    rgb[o + 1] = g;
                    rgb[o + 2] = g;
                } else {
                    rgb[o] = (byte) reduce(row[p], how);
                    rgb[o + 1] = (byte) reduce(row[p + 1], how);
                    rgb[o + 2] = (byte) reduce(row[p + 2], how);
                }
                o += 3;
                // Pillow's 16-bit alpha keeps the high byte whatever happens to the colours
                alphaSum += alphaBand < 0 ? 255
                        : how == Reduce.NONE ? row[p + alphaBand] : row[p + alphaBand] >> 8;
            }
        }
        return new DecodedImage(new RgbImage(w, h, rgb), format, hasAlpha, alphaSum);
    }

    private static DecodedImage fromPalette(Raster raster, IndexColorModel icm, String format) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int n = icm.getMapSize();
        byte[] reds = new byte[n];
        byte[] greens = new byte[n];
        byte[] blues = new byte[n];
        byte[] alphas = new byte[n];
        icm.getReds(reds);
        icm.getGreens(greens);
        icm.getBlues(blues);
        icm.getAlphas(alphas);
        byte[] rgb = new byte[w * h * 3];
        int[] index = new int[w]; // (w,) palette indices of one row
        long alphaSum = 0;
        int o = 0;
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, index);
            for (int x = 0; x < w; x++) {
                int i = index[x];
                if (i >= n) {
                    throw new EngineException(ErrorCode.BAD_IMAGE, format + " palette index "
                            + i + " at (" + x + ", " + y + ") is outside the " + n
                            + "-entry palette");
                }
                rgb[o++] = reds[i];
                rgb[o++] = greens[i];
                rgb[o++] = blues[i];
                alphaSum += alphas[i] & 0xFF;
            }
        }
        return new DecodedImage(new RgbImage(w, h, rgb), format, icm.hasAlpha(), alphaSum);
    }
}
