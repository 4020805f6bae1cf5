package io.glm4vee.engine.device;

/**
 * Collectives of one tensor-parallel group, called by every rank from its own card with the
 * same sequence of calls (as HCCL/NCCL are). Reductions sum in rank order 0..N-1 on every
 * rank, so all ranks hold bit-identical results. A collective never waits forever: it fails
 * after the group's timeout, or at once when the group is aborted.
 */
public interface Communicator {
    int size();

    /** buf[off, off + len) := sum over ranks of their buf[off, off + len). */
    void allReduceSum(int rank, float[] buf, int off, int len);

    /** full := concat over ranks (in rank order) of their part; every part has the same length. */
    void allGather(int rank, float[] part, float[] full);

    /** buf := root's buf. */
    void broadcast(int rank, int root, float[] buf);

    void barrier(int rank);

    /** Breaks every pending and future collective with the given cause. */
    void abort(String cause);
}
