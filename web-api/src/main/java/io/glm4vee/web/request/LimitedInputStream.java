package io.glm4vee.web.request;

import io.glm4vee.web.problem.BodyTooLargeException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes at most limit bytes through; reading past it drains what the client still sends (up
 * to a bound, so it can read our 413) and throws {@link BodyTooLargeException}.
 */
public final class LimitedInputStream extends FilterInputStream {

    /** How much of an oversized body is read and thrown away so the client sees the answer. */
    static final long DRAIN_BYTES = 64L * 1024 * 1024;

    private final long limit;
    private long count;

    public LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        counted(skipped);
        return skipped;
    }

    private void counted(long n) throws IOException {
        count += n;
        if (count > limit) {
            drain(in);
            throw new BodyTooLargeException(limit);
        }
    }

    /** Reads all of in (at most {@link #DRAIN_BYTES}) and throws it away. */
    public static void drain(InputStream in) {
        try {
            byte[] sink = new byte[64 * 1024];
            long left = DRAIN_BYTES;
            int n;
            while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
                left -= n;
            }
        } catch (IOException e) {
            // the client went away: nothing left to answer
        }
    }

    /** Reads the whole stream, refusing more than limit bytes. */
    public static byte[] readAll(InputStream in, long limit) throws IOException {
        byte[] data = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 16));
        if (data.length > limit) {
            drain(in);
            throw new BodyTooLargeException(limit);
        }
        return data;
    }
}
