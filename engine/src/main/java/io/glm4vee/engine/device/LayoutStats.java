package io.glm4vee.engine.device;

import java.util.concurrent.atomic.AtomicLong;

/** Counts activations that had to be made contiguous before a fused collective (a metric). */
public final class LayoutStats {
    private final AtomicLong contiguousCopies = new AtomicLong();
    private volatile String last;

    public void recordCopy(String where) {
        contiguousCopies.incrementAndGet();
        last = where;
    }

    public long contiguousCopies() {
        return contiguousCopies.get();
    }

    /** Where the last copy happened (op and layout), or null. */
    public String lastCopy() {
        return last;
    }
}
