package io.glm4vee.engine.ops;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.tensor.Tensor;

/** Row gather from an embedding table in its stored dtype. */
public final class Embedding {
    private Embedding() {
    }

    /**
     * out[t] = table[ids[t] - firstRow] for ids in [firstRow, firstRow + rows), else zero (a
     * vocab-parallel shard contributes only its own rows). table (rows, H), out (S, H).
     */
    public static void lookup(Tensor table, long firstRow, int[] ids, long vocab, Tensor out) {
        Check.rank(table, 2, "embedding table");
        int h = table.size(1);
        Check.shape(out, "embedding out", ids.length, h);
        Check.heapF32Contiguous(out, "embedding out");
        Check.rowsPacked(table, "embedding table");
        float[] o = out.array();
        long rows = table.dim(0);
        for (int t = 0; t < ids.length; t++) {
            int id = ids[t];
            if (id < 0 || id >= vocab) {
                throw new EngineException(ErrorCode.BAD_REQUEST,
                        "token id " + id + " at position " + t + " is outside the vocabulary [0, " + vocab + ")");
            }
            long r = id - firstRow;
            if (r < 0 || r >= rows) {
                java.util.Arrays.fill(o, t * h, (t + 1) * h, 0f);
                continue;
            }
            long base = table.offset() + r * table.stride(0);
            for (int i = 0; i < h; i++) {
                o[t * h + i] = table.readAt(base + i);
            }
        }
    }
}
