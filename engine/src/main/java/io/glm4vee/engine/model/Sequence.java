package io.glm4vee.engine.model;

/** Mutable state of one sequence: its KV cache and the last position id used (HF semantics). */
public final class Sequence {
    final KvCache cache;
    int lastPosition = -1;

    Sequence(KvCache cache) {
        this.cache = cache;
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
}
