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
}
