package io.glm4vee.engine.model;

import io.glm4vee.engine.backend.SequenceCache;

import java.util.Arrays;

/**
 * Mutable state of one sequence: each rank's KV cache (its own KV groups only), the ids it
 * has consumed (the image as its boi, placeholder, eoi triple), the position of every cached
 * row and the image it saw. A later prompt that starts with the same ids reuses the cache
 * (a chat session's next turn); {@link Glm4vModel#truncate} forgets a rolled-back tail.
 * Bound to the device group that created it.
 */
public final class Sequence {
    final SequenceCache cache;
    final Object owner;
    int lastPosition = -1;
    private int[] ids = new int[16];
    private int idCount;
    int boiIndex = -1;                  // in ids, or -1
    int imageRows;                      // rows the placeholder expanded to
    float[] pixels;                     // the image of the cached rows, or null
    private volatile boolean released;

    Sequence(SequenceCache cache, Object owner) {
        this.cache = cache;
        this.owner = owner;
    }

    /** Rows in the KV cache (the spliced length, image rows included). */
    public int cachedTokens() {
        return cache.length();
    }

    public int capacity() {
        return cache.capacity();
    }

    public int lastPosition() {
        return lastPosition;
    }

    /** The ids fed through the model so far. */
    public int[] consumedIds() {
        return Arrays.copyOf(ids, idCount);
    }

    public int consumedCount() {
        return idCount;
    }

    /** Bytes the caches of all ranks hold now (0 once released). */
    public long kvBytes() {
        return released ? 0 : cache.allocatedBytes();
    }

    /**
     * Frees the KV cache now (on a device backend, its device memory) instead of when the GC
     * finds the sequence. Whoever drops the sequence calls it, once it will not be used again;
     * a released sequence is refused by the model. Idempotent.
     */
    public void release() {
        if (!released) {
            released = true;
            cache.release();
        }
    }

    public boolean isReleased() {
        return released;
    }

    void consumed(int[] more) {
        if (idCount + more.length > ids.length) {
            ids = Arrays.copyOf(ids, Math.max(ids.length * 2, idCount + more.length));
        }
        System.arraycopy(more, 0, ids, idCount, more.length);
        idCount += more.length;
    }

    int id(int i) {
        return ids[i];
    }

    /** Cache rows that hold the first n consumed ids (n must not cut the image triple). */
    int rowsFor(int n) {
        return boiIndex < 0 || n <= boiIndex ? n : n + imageRows - 1;
    }

    void forget(int n) {
        idCount = n;
        if (boiIndex >= n) {
            boiIndex = -1;
            imageRows = 0;
            pixels = null;
        }
    }
}
