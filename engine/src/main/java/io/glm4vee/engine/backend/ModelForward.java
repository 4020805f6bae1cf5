package io.glm4vee.engine.backend;

import io.glm4vee.engine.device.DeviceGroup;
import io.glm4vee.engine.model.ForwardObserver;
import io.glm4vee.engine.model.SplicedInput;

/**
 * The device-dependent half of a loaded model on one group of cards: embeddings (with the
 * vision rows spliced in between boi and eoi), the text decoder with each sequence's KV cache,
 * and the LM head. Ids, positions and the image are prepared by the shared model code; the
 * forward returns host logits. One call at a time (the model serialises requests).
 */
public interface ModelForward extends AutoCloseable {
    /** The cards this forward runs on (failure state, metrics, layout counters). */
    DeviceGroup group();

    boolean hasVision();

    /** The element type of the KV cache and activations ("f32", "bf16", "f16") and its size in bytes. */
    default String kvDtype() {
        return "f32";
    }

    default int kvBytesPerElement() {
        return Float.BYTES;
    }

    /** An empty KV cache for one sequence, up to capacity rows, on every rank. */
    SequenceCache newCache(int capacity);

    /**
     * Runs in (its ids, and the image from pixels when in.hasImage()) at the given positions,
     * appending to cache, and returns the logits of the last row (padded_vocab floats).
     * The observer, when given, sees the input embeddings and each text layer's output.
     */
    float[] forward(SplicedInput in, float[] pixels, int[] positions, SequenceCache cache, ForwardObserver observer);

    /** Frees what the forward holds beyond its group (the group is closed by its owner). */
    @Override
    default void close() {
    }
}
