package io.glm4vee.engine.backend;

/** One sequence's KV cache on every rank of a group, as the backend keeps it. */
public interface SequenceCache {
    /** Rows cached (the same on every rank). */
    int length();

    /** The most rows it may hold. */
    int capacity();

    /** Forgets every row from rows on. */
    void truncate(int rows);

    /** Bytes the caches of all ranks hold now. */
    long allocatedBytes();

    /**
     * Lets go of the cache now (a device backend frees its device memory; the heap's caches are
     * left to the GC). Called once, when the sequence is dropped; the cache is not used after.
     */
    default void release() {
    }
}
