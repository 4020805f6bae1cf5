package io.glm4vee.engine.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The checksums golden.json and expected.json record, computed the way the Python side does. */
final class ImageChecksums {

    private ImageChecksums() {
    }

    static long sum(byte[] u8) {
        long s = 0;
        for (byte b : u8) {
            s += b & 0xFF;
        }
        return s;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** First n red values in row-major order (numpy's r[:, :, 0].ravel()[:n]). */
    static int[] redFirst(RgbImage img, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = img.rgb()[i * 3] & 0xFF;
        }
        return out;
    }

    /** Sum in double over [from, to), like numpy's float32 -> float64 then sum. */
    static double sum(float[] v, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += v[i];
        }
        return s;
    }

    /** compare.py's pixel rule: max |got - want| <= 1e-5 * max(1, max |want|). */
    static boolean close(double[] want, double[] got) {
        if (want.length != got.length) {
            return false;
        }
        double d = 0;
        double m = 1.0;
        for (int i = 0; i < want.length; i++) {
            d = Math.max(d, Math.abs(got[i] - want[i]));
            m = Math.max(m, Math.abs(want[i]));
        }
        return d <= 1e-5 * m;
    }

    static byte[] resource(String path) {
        try (InputStream in = ImageChecksums.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
