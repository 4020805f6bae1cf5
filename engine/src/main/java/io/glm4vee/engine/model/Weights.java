package io.glm4vee.engine.model;

import io.glm4vee.engine.tensor.Tensor;
import io.glm4vee.engine.weights.Checkpoint;
import io.glm4vee.engine.weights.TensorInfo;

/** Tensors of a validated checkpoint as zero-copy views in their stored dtype. */
final class Weights {
    private final Checkpoint checkpoint;

    Weights(Checkpoint checkpoint) {
        this.checkpoint = checkpoint;
    }

    /** Bytes the given views cover in their stored dtype (null entries count 0). */
    static long bytes(Tensor... ts) {
        long b = 0;
        for (Tensor t : ts) {
            if (t != null) {
                b += t.numel() * t.dtype().byteSize();
            }
        }
        return b;
    }

    Tensor get(String name) {
        TensorInfo info = checkpoint.info(name);
        return Tensor.wrap(checkpoint.data(name), info.dtype(), info.shape());
    }
}
