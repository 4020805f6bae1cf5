package io.glm4vee.engine.model;

import io.glm4vee.engine.device.Device;
import io.glm4vee.engine.device.DeviceGroup;
import io.glm4vee.engine.ops.Activations;
import io.glm4vee.engine.ops.Attention;
import io.glm4vee.engine.ops.Elementwise;
import io.glm4vee.engine.ops.Embedding;
import io.glm4vee.engine.ops.Linear;
import io.glm4vee.engine.ops.Norms;
import io.glm4vee.engine.ops.Rope;
import io.glm4vee.engine.parallel.MatmulAllReduce;
import io.glm4vee.engine.parallel.TpPlan;
import io.glm4vee.engine.tensor.Tensor;

import java.util.List;

/**
 * The GLM-4 decoder (GLM4V_SPEC section 3) over a tensor-parallel group: pre-norm blocks of
 * GQA attention with partial interleaved RoPE and a SwiGLU MLP, a final RMSNorm and the
 * untied, vocab-padded LM head. Every rank keeps the residual stream; QKV and gate/up are
 * column-parallel, dense and dense_4h_to_h row-parallel (fused matmul + all-reduce), the
 * embedding and LM head vocab-parallel (all-reduce, all-gather). With tp = 1 it is the plain model.
 */
public final class TextDecoder {
    private static final String PART = "text";

    /** One rank's views of one block, named after the checkpoint. */
    record Layer(
            Tensor inputLayernorm,          // (hidden)
            Tensor q, Tensor qBias,         // (localHeads*hd, hidden), (localHeads*hd): rows of query_key_value
            Tensor k, Tensor kBias,         // (localGroups*hd, hidden), (localGroups*hd)
            Tensor v, Tensor vBias,         // (localGroups*hd, hidden), (localGroups*hd)
            Tensor dense,                   // (hidden, localHeads*hd): columns of self_attention.dense
            Tensor postAttentionLayernorm,  // (hidden)
            Tensor gate,                    // (localFfn, hidden): rows of the gate half of dense_h_to_4h
            Tensor up,                      // (localFfn, hidden): rows of the up half
            Tensor denseFourHToH) {         // (hidden, localFfn): columns of dense_4h_to_h
    }

    /** One rank's share of the decoder. */
    record Shard(TpPlan plan, Layer[] layers,
                 Tensor wordEmbeddings,     // (localVocab, hidden): rows [vocabStart, +localVocab)
                 Tensor finalLayernorm,     // (hidden)
                 Tensor outputLayer) {      // (localVocab, hidden)
    }

    private final ModelConfig cfg;
    private final DeviceGroup group;
    private final Shard[] shards;
    private final Rope rope;

    TextDecoder(ModelConfig cfg, Weights w, DeviceGroup group) {
        this.cfg = cfg;
        this.group = group;
        this.shards = new Shard[group.size()];
        for (int r = 0; r < shards.length; r++) {
            shards[r] = shard(cfg, w, TpPlan.of(cfg, group.size(), r));
            group.device(r).addWeightBytes(bytes(shards[r]));
        }
        this.rope = new Rope(cfg.rotaryDim(), cfg.ropeBase(), cfg.seqLength());
    }

    private static Shard shard(ModelConfig c, Weights w, TpPlan p) {
        int hd = c.headDim();
        long qRows = (long) c.numHeads() * hd;
        long kvRows = (long) c.kvGroups() * hd;
        long q0 = (long) p.headStart() * hd;
        long qn = (long) p.localHeads() * hd;
        long g0 = (long) p.groupStart() * hd;
        long gn = (long) p.localGroups() * hd;
        int f = c.ffnHiddenSize();
        Layer[] layers = new Layer[c.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            String n = "transformer.encoder.layers." + i + ".";
            // the fused QKV is [Q | K | V] by blocks, never interleaved: cut each block separately
            Tensor qkv = w.get(n + "self_attention.query_key_value.weight");
            Tensor qkvB = c.addQkvBias() ? w.get(n + "self_attention.query_key_value.bias") : null;
            Tensor h4 = w.get(n + "mlp.dense_h_to_4h.weight");           // rows [0, F) gate, [F, 2F) up
            layers[i] = new Layer(
                    w.get(n + "input_layernorm.weight"),
                    qkv.narrow(0, q0, qn), qkvB == null ? null : qkvB.narrow(0, q0, qn),
                    qkv.narrow(0, qRows + g0, gn), qkvB == null ? null : qkvB.narrow(0, qRows + g0, gn),
                    qkv.narrow(0, qRows + kvRows + g0, gn), qkvB == null ? null : qkvB.narrow(0, qRows + kvRows + g0, gn),
                    w.get(n + "self_attention.dense.weight").narrow(1, q0, qn),
                    w.get(n + "post_attention_layernorm.weight"),
                    h4.narrow(0, p.ffnStart(), p.localFfn()),
                    h4.narrow(0, (long) f + p.ffnStart(), p.localFfn()),
                    w.get(n + "mlp.dense_4h_to_h.weight").narrow(1, p.ffnStart(), p.localFfn()));
        }
        return new Shard(p, layers,
                w.get("transformer.embedding.word_embeddings.weight").narrow(0, p.vocabStart(), p.localVocab()),
                w.get("transformer.encoder.final_layernorm.weight"),
                w.get("transformer.output_layer.weight").narrow(0, p.vocabStart(), p.localVocab()));
    }

    private static long bytes(Shard s) {
        long b = Weights.bytes(s.wordEmbeddings(), s.finalLayernorm(), s.outputLayer());
        for (Layer l : s.layers()) {
            b += Weights.bytes(l.inputLayernorm(), l.q(), l.qBias(), l.k(), l.kBias(), l.v(), l.vBias(), l.dense(),
                    l.postAttentionLayernorm(), l.gate(), l.up(), l.denseFourHToH());
        }
        return b;
    }

    Shard shard(int rank) {
        return shards[rank];
    }

    /** Word embeddings of ids on every rank (S, hidden): vocab-parallel lookup + all-reduce. */
    Tensor[] embed(int[] ids) {
        Tensor[] out = group.zerosPerRank(ids.length, cfg.hiddenSize());
        group.launch("embedding", PART, -1, r -> List.of(shards[r].wordEmbeddings()), (r, d) -> {
            Embedding.lookup(shards[r].wordEmbeddings(), shards[r].plan().vocabStart(), ids, cfg.paddedVocabSize(), out[r]);
            group.comm().allReduceSum(r, out[r].array(), 0, out[r].array().length);
        });
        return out;
    }

    /**
     * Runs the blocks on x (per rank, (S, hidden), replicated) at the given positions,
     * appending to each rank's cache, and returns the logits of the last row (padded_vocab).
     */
    float[] forward(Tensor[] x, int[] positions, KvCache[] caches, ForwardObserver observer) {
        int s = x[0].size(0);
        int hidden = cfg.hiddenSize();
        int hd = cfg.headDim();
        int past = caches[0].length();
        double eps = cfg.layerNormEps();
        float scale = (float) (1.0 / Math.sqrt(hd));
        TpPlan p0 = shards[0].plan();
        int lq = p0.localHeads() * hd;
        int lkv = p0.localGroups() * hd;
        Tensor[] normed = group.zerosPerRank(s, hidden);
        Tensor[] ctx = group.zerosPerRank(s, lq);
        Tensor[] sub = group.zerosPerRank(s, hidden);
        for (int i = 0; i < cfg.numLayers(); i++) {
            final int l = i;
            // attention: x = x + dense(attn(rope(q), rope(k), v)),  on RMSNorm(x)
            group.launch("input_layernorm", PART, l, r -> List.of(x[r]), (r, d) ->
                    Norms.rmsNorm(x[r], layer(r, l).inputLayernorm(), eps, normed[r]));
            group.launch("attention", PART, l, r -> List.of(normed[r], layer(r, l).q(), layer(r, l).k()), (r, d) -> {
                Layer w = layer(r, l);
                Tensor q = Tensor.zeros(s, lq);
                Tensor k = Tensor.zeros(s, lkv);
                Tensor v = Tensor.zeros(s, lkv);
                Linear.forward(normed[r], w.q(), w.qBias(), q, d.parallel());
                Linear.forward(normed[r], w.k(), w.kBias(), k, d.parallel());
                Linear.forward(normed[r], w.v(), w.vBias(), v, d.parallel());
                Tensor q3 = q.unflatten(1, lq / hd, hd);
                Tensor k3 = k.unflatten(1, lkv / hd, hd);
                rope.apply(q3, positions);
                rope.apply(k3, positions);
                KvCache c = caches[r];
                c.append(l, k3, v.unflatten(1, lkv / hd, hd), l == cfg.numLayers() - 1);
                Attention.forward(q3, c.keys(l, past + s), c.values(l, past + s), past, true, scale, ctx[r], d.parallel());
            });
            MatmulAllReduce.launch(group, PART, l, "self_attention.dense", ctx, denseOf(l), null, sub);
            group.launch("residual_add", PART, l, r -> List.of(x[r], sub[r]), (r, d) -> Elementwise.add(x[r], sub[r], x[r]));
            // MLP: x = x + down(silu(gate(b)) * up(b)),  b = RMSNorm(x)
            Tensor[] act = group.zerosPerRank(s, p0.localFfn());
            group.launch("mlp_gate_up", PART, l, r -> List.of(x[r], layer(r, l).gate()), (r, d) -> {
                Layer w = layer(r, l);
                Norms.rmsNorm(x[r], w.postAttentionLayernorm(), eps, normed[r]);
                Tensor u = Tensor.zeros(s, p0.localFfn());
                Linear.forward(normed[r], w.gate(), null, act[r], d.parallel());
                Linear.forward(normed[r], w.up(), null, u, d.parallel());
                Activations.swiglu(act[r], u, act[r]);
            });
            MatmulAllReduce.launch(group, PART, l, "mlp.dense_4h_to_h", act, downOf(l), null, sub);
            group.launch("residual_add", PART, l, r -> List.of(x[r], sub[r]), (r, d) -> Elementwise.add(x[r], sub[r], x[r]));
            if (observer != null) {
                group.synchronize("text layer " + l + " output");
                observer.textLayerOutput(l, x[0]);
            }
        }
        // final RMSNorm and the vocab-parallel LM head on the last row; logits all-gathered
        float[][] logits = new float[group.size()][cfg.paddedVocabSize()];
        group.launch("lm_head", PART, -1, r -> List.of(x[r], shards[r].outputLayer()), (r, d) -> lmHead(r, d, x[r], logits[r]));
        group.synchronize("end of the text forward");
        return logits[0];
    }

    private void lmHead(int r, Device d, Tensor x, float[] full) {
        int s = x.size(0);
        Tensor h = Tensor.zeros(1, cfg.hiddenSize());
        Norms.rmsNorm(x.narrow(0, s - 1, 1), shards[r].finalLayernorm(), cfg.layerNormEps(), h);
        Tensor local = Tensor.zeros(1, shards[r].plan().localVocab());
        Linear.forward(h, shards[r].outputLayer(), null, local, d.parallel());
        group.comm().allGather(r, local.array(), full);
    }

    private Layer layer(int rank, int layer) {
        return shards[rank].layers()[layer];
    }

    private Tensor[] denseOf(int l) {
        Tensor[] t = new Tensor[shards.length];
        for (int r = 0; r < t.length; r++) {
            t[r] = layer(r, l).dense();
        }
        return t;
    }

    private Tensor[] downOf(int l) {
        Tensor[] t = new Tensor[shards.length];
        for (int r = 0; r < t.length; r++) {
            t[r] = layer(r, l).denseFourHToH();
        }
        return t;
    }
}
