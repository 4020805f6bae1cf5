package io.glm4vee.engine.model;

import io.glm4vee.engine.backend.ModelForward;
import io.glm4vee.engine.backend.SequenceCache;
import io.glm4vee.engine.device.DeviceGroup;
import io.glm4vee.engine.parallel.TpPlan;
import io.glm4vee.engine.tensor.Tensor;
import io.glm4vee.engine.weights.Checkpoint;

import java.util.Arrays;
import java.util.List;

/**
 * The CPU backend's forward: the text decoder and vision tower over CPU cards, weights as
 * views of the mapped checkpoint, activations and KV caches in heap f32 buffers.
 */
public final class CpuForward implements ModelForward {
    private final ModelConfig config;
    private final DeviceGroup group;
    private final TextDecoder text;
    private final VisionTower vision;

    public CpuForward(ModelConfig config, Checkpoint checkpoint, DeviceGroup group) {
        this.config = config;
        this.group = group;
        Weights w = new Weights(checkpoint);
        this.text = new TextDecoder(config, w, group);
        this.vision = config.vision() == null ? null : new VisionTower(config, w, group);
    }

    @Override
    public DeviceGroup group() {
        return group;
    }

    @Override
    public boolean hasVision() {
        return vision != null;
    }

    @Override
    public SequenceCache newCache(int capacity) {
        TpPlan p = TpPlan.of(config, group.size(), 0);
        KvCache[] caches = new KvCache[group.size()];
        for (int r = 0; r < caches.length; r++) {
            caches[r] = new KvCache(config.numLayers(), p.localGroups(), config.headDim(), capacity);
        }
        return new Caches(caches);
    }

    @Override
    public float[] forward(SplicedInput in, float[] pixels, int[] positions, SequenceCache cache, ForwardObserver observer) {
        Tensor[] x = embed(in, pixels);
        if (observer != null) {
            group.synchronize("input embeddings");
            observer.inputEmbeddings(x[0]);
        }
        return text.forward(x, positions, ((Caches) cache).ranks, observer);
    }

    /** Text embeddings with the vision rows spliced in between boi and eoi, on every rank. */
    private Tensor[] embed(SplicedInput in, float[] pixels) {
        int[] ids = in.ids();
        if (!in.hasImage()) {
            return text.embed(ids);
        }
        int b = in.boiIndex();
        int hidden = config.hiddenSize();
        Tensor[] img = vision.forward(pixels);                                  // (tokens + 2, hidden)
        Tensor[] before = text.embed(Arrays.copyOfRange(ids, 0, b));
        Tensor[] after = text.embed(Arrays.copyOfRange(ids, b + 3, ids.length));
        Tensor[] x = new Tensor[group.size()];
        for (int r = 0; r < x.length; r++) {
            x[r] = Tensor.zeros(in.length(), hidden);
        }
        group.launch("splice", "text", -1, r -> List.of(before[r], img[r], after[r]), (r, d) -> {
            float[] xa = x[r].array();
            float[] ia = img[r].array();
            System.arraycopy(before[r].array(), 0, xa, 0, b * hidden);
            System.arraycopy(ia, 0, xa, b * hidden, ia.length);
            System.arraycopy(after[r].array(), 0, xa, b * hidden + ia.length, after[r].array().length);
        });
        return x;
    }

    /** Each rank's heap KV cache. */
    static final class Caches implements SequenceCache {
        final KvCache[] ranks;

        Caches(KvCache[] ranks) {
            this.ranks = ranks;
        }

        @Override
        public int length() {
            return ranks[0].length();
        }

        @Override
        public int capacity() {
            return ranks[0].capacity();
        }

        @Override
        public void truncate(int rows) {
            for (KvCache c : ranks) {
                c.truncate(rows);
            }
        }

        @Override
        public long allocatedBytes() {
            long b = 0;
            for (KvCache c : ranks) {
                b += c.allocatedBytes();
            }
            return b;
        }
    }
}
