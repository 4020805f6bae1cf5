package io.glm4vee.engine.model;

import io.glm4vee.engine.ops.Activations;
import io.glm4vee.engine.ops.Attention;
import io.glm4vee.engine.ops.Elementwise;
import io.glm4vee.engine.ops.Linear;
import io.glm4vee.engine.ops.Norms;
import io.glm4vee.engine.ops.Parallel;
import io.glm4vee.engine.ops.Rope;
import io.glm4vee.engine.tensor.Tensor;

/**
 * The GLM-4 decoder (GLM4V_SPEC section 3): pre-norm blocks of GQA attention with partial
 * interleaved RoPE and a SwiGLU MLP, a final RMSNorm and the untied, vocab-padded LM head.
 */
public final class TextDecoder {
    /** Weights of one block, named after the checkpoint. */
    record Layer(
            Tensor inputLayernorm,        // (hidden)
            Tensor queryKeyValue,         // (heads*hd + 2*groups*hd, hidden): rows [Q | K | V]
            Tensor queryKeyValueBias,     // (heads*hd + 2*groups*hd) or null
            Tensor dense,                 // (hidden, heads*hd)
            Tensor postAttentionLayernorm,// (hidden)
            Tensor gate,                  // (ffn, hidden): rows [0, ffn) of dense_h_to_4h
            Tensor up,                    // (ffn, hidden): rows [ffn, 2 ffn) of dense_h_to_4h
            Tensor denseFourHToH) {       // (hidden, ffn)
    }

    private final ModelConfig cfg;
    private final Layer[] layers;
    private final Tensor wordEmbeddings; // (padded_vocab, hidden)
    private final Tensor finalLayernorm; // (hidden)
    private final Tensor outputLayer;    // (padded_vocab, hidden)
    private final Rope rope;
    private final Parallel par;

    TextDecoder(ModelConfig cfg, Weights w, Parallel par) {
        this.cfg = cfg;
        this.par = par;
        int h = cfg.hiddenSize();
        int hd = cfg.headDim();
        int q = cfg.numHeads() * hd;
        int kv = cfg.kvGroups() * hd;
        int f = cfg.ffnHiddenSize();
        layers = new Layer[cfg.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            String p = "transformer.encoder.layers." + i + ".";
            Tensor h4 = w.get(p + "mlp.dense_h_to_4h.weight");
            layers[i] = new Layer(
                    w.get(p + "input_layernorm.weight"),
                    w.get(p + "self_attention.query_key_value.weight"),
                    cfg.addQkvBias() ? w.get(p + "self_attention.query_key_value.bias") : null,
                    w.get(p + "self_attention.dense.weight"),
                    w.get(p + "post_attention_layernorm.weight"),
                    h4.narrow(0, 0, f),
                    h4.narrow(0, f, f),
                    w.get(p + "mlp.dense_4h_to_h.weight"));
            assert layers[i].queryKeyValue().dim(0) == q + 2L * kv && layers[i].dense().dim(0) == h;
        }
        wordEmbeddings = w.get("transformer.embedding.word_embeddings.weight");
        finalLayernorm = w.get("transformer.encoder.final_layernorm.weight");
        outputLayer = w.get("transformer.output_layer.weight");
        rope = new Rope(cfg.rotaryDim(), cfg.ropeBase(), cfg.seqLength());
    }

    /** Word embeddings of ids, (S, hidden). */
    Tensor embed(int[] ids) {
        Tensor out = Tensor.zeros(ids.length, cfg.hiddenSize());
        io.glm4vee.engine.ops.Embedding.lookup(wordEmbeddings, 0, ids, cfg.paddedVocabSize(), out);
        return out;
    }

    /**
     * Runs the blocks on x (S, hidden) at the given positions, appending to the cache, and
     * returns the logits of the last row (padded_vocab). The observer sees layer outputs.
     */
    float[] forward(Tensor x, int[] positions, KvCache cache, ForwardObserver observer) {
        int s = x.size(0);
        int hidden = cfg.hiddenSize();
        int hd = cfg.headDim();
        int nh = cfg.numHeads();
        int ng = cfg.kvGroups();
        int past = cache.length();
        float scale = (float) (1.0 / Math.sqrt(hd));
        Tensor normed = Tensor.zeros(s, hidden);
        for (int i = 0; i < layers.length; i++) {
            Layer l = layers[i];
            // attention: a = RMSNorm(x); x = x + dense(attn(rope(q), rope(k), v))
            Norms.rmsNorm(x, l.inputLayernorm(), cfg.layerNormEps(), normed);
            Tensor qkv = Tensor.zeros(s, l.queryKeyValue().dim(0));
            Linear.forward(normed, l.queryKeyValue(), l.queryKeyValueBias(), qkv, par);
            Tensor q = qkv.narrow(1, 0, (long) nh * hd).unflatten(1, nh, hd);         // (S, nh, hd)
            Tensor k = qkv.narrow(1, (long) nh * hd, (long) ng * hd).unflatten(1, ng, hd);
            Tensor v = qkv.narrow(1, (long) (nh + ng) * hd, (long) ng * hd).unflatten(1, ng, hd);
            rope.apply(q, positions);
            rope.apply(k, positions);
            cache.append(i, k, v, i == layers.length - 1);
            Tensor ctx = Tensor.zeros(s, (long) nh * hd);
            Attention.forward(q, cache.keys(i, past + s), cache.values(i, past + s), past, true, scale, ctx, par);
            Tensor attnOut = Tensor.zeros(s, hidden);
            Linear.forward(ctx, l.dense(), null, attnOut, par);
            Elementwise.add(x, attnOut, x);
            // MLP: x = x + down(silu(gate(b)) * up(b)), b = RMSNorm(x)
            Norms.rmsNorm(x, l.postAttentionLayernorm(), cfg.layerNormEps(), normed);
            int f = l.gate().size(0);
            Tensor g = Tensor.zeros(s, f);
            Tensor u = Tensor.zeros(s, f);
            Linear.forward(normed, l.gate(), null, g, par);
            Linear.forward(normed, l.up(), null, u, par);
            Activations.swiglu(g, u, g);
            Tensor mlpOut = Tensor.zeros(s, hidden);
            Linear.forward(g, l.denseFourHToH(), null, mlpOut, par);
            Elementwise.add(x, mlpOut, x);
            if (observer != null) {
                observer.textLayerOutput(i, x);
            }
        }
        // final RMSNorm and LM head on the last row only: generation needs nothing else
        Tensor last = x.narrow(0, s - 1, 1);
        Tensor h = Tensor.zeros(1, hidden);
        Norms.rmsNorm(last, finalLayernorm, cfg.layerNormEps(), h);
        Tensor logits = Tensor.zeros(1, outputLayer.dim(0));
        Linear.forward(h, outputLayer, null, logits, par);
        return logits.array();
    }

    Rope rope() {
        return rope;
    }
}
