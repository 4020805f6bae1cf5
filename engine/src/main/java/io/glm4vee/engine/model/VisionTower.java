package io.glm4vee.engine.model;

import io.glm4vee.engine.ops.Activations;
import io.glm4vee.engine.ops.Attention;
import io.glm4vee.engine.ops.Elementwise;
import io.glm4vee.engine.ops.Im2col;
import io.glm4vee.engine.ops.Linear;
import io.glm4vee.engine.ops.Norms;
import io.glm4vee.engine.ops.Parallel;
import io.glm4vee.engine.tensor.Tensor;

/**
 * EVA2-CLIP vision tower with post-norm blocks, the 2x2 stride-2 conv and the GLU adapter
 * (GLM4V_SPEC section 4). Input: normalised pixels (3, S, S); output (image_tokens + 2,
 * hidden) = [boi, patches, eoi] / scaling_factor.
 */
public final class VisionTower {
    /** The GLU adapter's LayerNorm uses nn.LayerNorm's default eps, not vision_config's. */
    private static final double ADAPTER_LN_EPS = 1e-5;

    record Layer(
            Tensor inputLayernormWeight, Tensor inputLayernormBias,       // (vH) each, applied AFTER attention
            Tensor queryKeyValue, Tensor queryKeyValueBias,               // (3 vH, vH): rows [q | k | v], (3 vH)
            Tensor dense, Tensor denseBias,                               // (vH, vH), (vH)
            Tensor fc1, Tensor fc1Bias,                                   // (vI, vH), (vI)
            Tensor fc2, Tensor fc2Bias,                                   // (vH, vI), (vH)
            Tensor postLayernormWeight, Tensor postLayernormBias) {       // (vH) each, applied AFTER the MLP
    }

    private final VisionConfig vc;
    private final int hidden;
    private final Tensor patchProj;      // (vH, C·p·p) view of the conv weight (vH, C, p, p)
    private final Tensor patchBias;      // (vH)
    private final Tensor cls;            // (1, vH)
    private final Tensor positions;      // (num_positions, vH)
    private final Layer[] layers;
    private final Tensor conv;           // (hidden, vH·4) view of (hidden, vH, 2, 2)
    private final Tensor convBias;       // (hidden)
    private final Tensor linearProj;     // (hidden, hidden)
    private final Tensor norm1Weight;    // (hidden)
    private final Tensor norm1Bias;      // (hidden)
    private final Tensor gateProj;       // (ffn, hidden)
    private final Tensor upProj;         // (ffn, hidden): linear_proj.dense_h_to_4h
    private final Tensor downProj;       // (hidden, ffn): linear_proj.dense_4h_to_h
    private final Tensor boi;            // (1, hidden)
    private final Tensor eoi;            // (1, hidden)
    private final Parallel par;

    VisionTower(ModelConfig cfg, Weights w, Parallel par) {
        this.vc = cfg.vision();
        this.hidden = cfg.hiddenSize();
        this.par = par;
        int vh = vc.hiddenSize();
        int p = vc.patchSize();
        String v = "transformer.vision.";
        patchProj = w.get(v + "patch_embedding.proj.weight").view(vh, (long) vc.inChannels() * p * p);
        patchBias = w.get(v + "patch_embedding.proj.bias");
        cls = w.get(v + "patch_embedding.cls_embedding");
        positions = w.get(v + "patch_embedding.position_embedding.weight");
        layers = new Layer[vc.numLayers()];
        for (int j = 0; j < layers.length; j++) {
            String q = v + "transformer.layers." + j + ".";
            layers[j] = new Layer(
                    w.get(q + "input_layernorm.weight"), w.get(q + "input_layernorm.bias"),
                    w.get(q + "attention.query_key_value.weight"), w.get(q + "attention.query_key_value.bias"),
                    w.get(q + "attention.dense.weight"), w.get(q + "attention.dense.bias"),
                    w.get(q + "mlp.fc1.weight"), w.get(q + "mlp.fc1.bias"),
                    w.get(q + "mlp.fc2.weight"), w.get(q + "mlp.fc2.bias"),
                    w.get(q + "post_attention_layernorm.weight"), w.get(q + "post_attention_layernorm.bias"));
        }
        conv = w.get(v + "conv.weight").view(hidden, (long) vh * 4);
        convBias = w.get(v + "conv.bias");
        String g = v + "linear_proj.";
        linearProj = w.get(g + "linear_proj.weight");
        norm1Weight = w.get(g + "norm1.weight");
        norm1Bias = w.get(g + "norm1.bias");
        gateProj = w.get(g + "gate_proj.weight");
        upProj = w.get(g + "dense_h_to_4h.weight");
        downProj = w.get(g + "dense_4h_to_h.weight");
        boi = w.get(v + "boi").view(1, hidden);
        eoi = w.get(v + "eoi").view(1, hidden);
    }

    /** pixels: (3, S, S) normalised, CHW. Returns (image_tokens + 2, hidden). */
    Tensor forward(float[] pixels) {
        int s = vc.imageSize();
        int grid = vc.grid();
        int vh = vc.hiddenSize();
        int heads = vc.numHeads();
        int hd = vh / heads;
        int tokens = grid * grid + 1;
        // 1. patch conv (kernel = stride = patch) as im2col + linear; CLS first; + position embedding
        Tensor patches = Im2col.patches(Tensor.of(pixels, vc.inChannels(), s, s), vc.patchSize());
        Tensor x = Tensor.zeros(tokens, vh);
        Linear.forward(patches, patchProj, patchBias, x.narrow(0, 1, (long) grid * grid), par);
        float[] xa = x.array();
        for (int i = 0; i < vh; i++) {
            xa[i] = cls.get(0, i);
        }
        Elementwise.add(x, positions, x);
        // 2. post-norm blocks: x = x + LN_in(attn(x)); x = x + LN_post(mlp(x))
        float scale = (float) (1.0 / Math.sqrt(hd));
        Tensor qkv = Tensor.zeros(tokens, 3L * vh);
        Tensor ctx = Tensor.zeros(tokens, vh);
        Tensor sub = Tensor.zeros(tokens, vh);
        Tensor normed = Tensor.zeros(tokens, vh);
        Tensor mid = Tensor.zeros(tokens, vc.intermediateSize());
        for (Layer l : layers) {
            Linear.forward(x, l.queryKeyValue(), l.queryKeyValueBias(), qkv, par);
            Tensor heads4 = qkv.unflatten(1, 3, heads, hd);               // (L, 3, heads, hd) view
            Attention.forward(heads4.select(1, 0), heads4.select(1, 1), heads4.select(1, 2), 0, false, scale, ctx, par);
            Linear.forward(ctx, l.dense(), l.denseBias(), sub, par);
            Norms.layerNorm(sub, l.inputLayernormWeight(), l.inputLayernormBias(), vc.layerNormEps(), normed);
            Elementwise.add(x, normed, x);
            Linear.forward(x, l.fc1(), l.fc1Bias(), mid, par);
            Activations.gelu(mid, mid);
            Linear.forward(mid, l.fc2(), l.fc2Bias(), sub, par);
            Norms.layerNorm(sub, l.postLayernormWeight(), l.postLayernormBias(), vc.layerNormEps(), normed);
            Elementwise.add(x, normed, x);
        }
        // 3. drop CLS, back to the grid channels-first (vH, g, g) as a view, 2x2 stride-2 conv
        Tensor chw = x.narrow(0, 1, (long) grid * grid).unflatten(0, grid, grid).permute(2, 0, 1);
        Tensor blocks = Im2col.patches(chw, 2);                               // (g/2 · g/2, vH·4)
        int n = blocks.size(0);
        Tensor y = Tensor.zeros(n, hidden);
        Linear.forward(blocks, conv, convBias, y, par);
        // 4. GLU adapter: z = linear_proj(y); z = gelu(LN(z)); z = down(silu(gate(z)) * up(z))
        Tensor z = Tensor.zeros(n, hidden);
        Linear.forward(y, linearProj, null, z, par);
        Norms.layerNorm(z, norm1Weight, norm1Bias, ADAPTER_LN_EPS, y);
        Activations.gelu(y, y);
        int f = gateProj.size(0);
        Tensor gate = Tensor.zeros(n, f);
        Tensor up = Tensor.zeros(n, f);
        Linear.forward(y, gateProj, null, gate, par);
        Linear.forward(y, upProj, null, up, par);
        Activations.swiglu(gate, up, gate);
        Tensor out = Tensor.zeros(n + 2L, hidden);
        Linear.forward(gate, downProj, null, out.narrow(0, 1, n), par);
        // 5. boi and eoi from the vision weights around the patches, all divided by scaling_factor
        float[] o = out.array();
        float div = (float) vc.scalingFactor();
        for (int i = 0; i < hidden; i++) {
            o[i] = boi.get(0, i);
            o[(n + 1) * hidden + i] = eoi.get(0, i);
        }
        for (int i = 0; i < o.length; i++) {
            o[i] = o[i] / div;
        }
        return out;
    }

    int imageTokens() {
        return vc.imageTokens();
    }
}
