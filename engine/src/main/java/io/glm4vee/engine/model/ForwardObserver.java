package io.glm4vee.engine.model;

import io.glm4vee.engine.tensor.Tensor;

/** Optional hooks into a forward pass, used by eval to report intermediates. */
public interface ForwardObserver {
    /** The spliced input embeddings (S, hidden), before layer 0. */
    default void inputEmbeddings(Tensor embeddings) {
    }

    /** The residual stream after text layer i (S, hidden). */
    default void textLayerOutput(int layer, Tensor x) {
    }
}
