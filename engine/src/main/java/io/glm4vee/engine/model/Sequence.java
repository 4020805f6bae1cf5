package io.glm4vee.engine.model;

/**
 * Mutable state of one sequence: each rank's KV cache (its own KV groups only) and the last
 * position id used (HF semantics). Bound to the device group that created it.
 */
public final class Sequence {
    final KvCache[] caches;
    final Object owner;
    int lastPosition = -1;

    Sequence(KvCache[] caches, Object owner) {
        this.caches = caches;
        this.owner = owner;
    }

    /** Rows in the KV cache (the spliced length, image rows included). */
    public int cachedTokens() {
        return caches[0].length();
    }

    public int capacity() {
        return caches[0].capacity();
    }

    public int lastPosition() {
        return lastPosition;
    }
}
