package io.glm4vee.web.request;

import io.glm4vee.config.ApiSettings;
import io.glm4vee.web.problem.ProblemCode;
import io.glm4vee.web.problem.ProblemException;

import java.util.Base64;
import java.util.regex.Pattern;

/** Decodes and checks the request's image: base64, byte size, PNG/JPEG header, pixel count. */
public final class ImageCheck {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern DATA_URL = Pattern.compile("^data:image/[A-Za-z0-9.+-]+;base64,", Pattern.CASE_INSENSITIVE);

    private final ApiSettings settings;

    public ImageCheck(ApiSettings settings) {
        this.settings = settings;
    }

    /** Base64 (standard or URL-safe, padding optional, line breaks allowed) or a data:image/...;base64, URL. */
    public byte[] decodeBase64(String text, String field) {
        String s = text.strip();
        if (s.regionMatches(true, 0, "data:", 0, 5)) {
            var m = DATA_URL.matcher(s);
            if (!m.find()) {
                throw new ProblemException(ProblemCode.BAD_IMAGE,
                        field + ": a data: URL must look like data:image/png;base64,...");
            }
            s = s.substring(m.end());
        }
        if (s.indexOf(' ') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0 || s.indexOf('\t') >= 0) {
            s = WHITESPACE.matcher(s).replaceAll("");
        }
        if (s.isEmpty()) {
            throw new ProblemException(ProblemCode.BAD_IMAGE, field + ": the image is empty");
        }
        long decoded = (long) s.length() * 3 / 4;
        if (decoded > settings.maxImageBytes() + 2) { // refuse before allocating
            throw tooManyBytes(field, decoded);
        }
        Base64.Decoder decoder = s.indexOf('-') >= 0 || s.indexOf('_') >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder();
        byte[] bytes;
        try {
            bytes = decoder.decode(s);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(ProblemCode.BAD_IMAGE, field + ": not valid base64 (" + e.getMessage() + ")");
        }
        return check(bytes, field);
    }

    /** Checks encoded image bytes; returns them unchanged. */
    public byte[] check(byte[] bytes, String field) {
        if (bytes.length == 0) {
            throw new ProblemException(ProblemCode.BAD_IMAGE, field + ": the image is empty");
        }
        if (bytes.length > settings.maxImageBytes()) {
            throw tooManyBytes(field, bytes.length);
        }
        ImageHeader header;
        try {
            header = ImageHeader.read(bytes);
        } catch (IllegalArgumentException e) {
            throw new ProblemException(ProblemCode.BAD_IMAGE, field + ": " + e.getMessage());
        }
        if (header.pixels() > settings.maxImagePixels()) {
            throw new ProblemException(ProblemCode.IMAGE_TOO_LARGE, field + ": " + header.format() + " of "
                    + header.width() + "x" + header.height() + " = " + header.pixels()
                    + " pixels, over the limit of " + settings.maxImagePixels() + " pixels");
        }
        return bytes;
    }

    private ProblemException tooManyBytes(String field, long bytes) {
        return new ProblemException(ProblemCode.IMAGE_TOO_LARGE, field + ": " + bytes
                + " bytes of image data, over the limit of " + settings.maxImageBytes() + " bytes");
    }
}
