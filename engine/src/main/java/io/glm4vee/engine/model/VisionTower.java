package io.glm4vee.engine.model;

import io.glm4vee.engine.device.DeviceGroup;
import io.glm4vee.engine.ops.Activations;
import io.glm4vee.engine.ops.Attention;
import io.glm4vee.engine.ops.Elementwise;
import io.glm4vee.engine.ops.Im2col;
import io.glm4vee.engine.ops.Linear;
import io.glm4vee.engine.ops.Norms;
import io.glm4vee.engine.parallel.MatmulAllReduce;
import io.glm4vee.engine.parallel.TpPlan;
import io.glm4vee.engine.tensor.Tensor;

import java.util.List;

/**
 * EVA2-CLIP vision tower with post-norm blocks, the 2x2 stride-2 conv and the GLU adapter
 * (GLM4V_SPEC section 4), split over the group by heads: QKV and fc1 column-parallel, dense
 * and fc2 row-parallel with the bias on rank 0 and the post-norm after the reduce; the GLU's
 * gate/up column-parallel and its down projection row-parallel. The patch conv, CLS and
 * position embeddings, the 2x2 conv, linear_proj, norm1 and boi/eoi are replicated.
 * Input: normalised pixels (3, S, S); output per rank (image_tokens + 2, hidden) =
 * [boi, patches, eoi] / scaling_factor.
 */
public final class VisionTower {
    private static final String PART = "vision";
    /** The GLU adapter's LayerNorm uses nn.LayerNorm's default eps, not vision_config's. */
    private static final double ADAPTER_LN_EPS = 1e-5;

    /** One rank's views of one block. */
    record Layer(
            Tensor inputLayernormWeight, Tensor inputLayernormBias,  // (vH) each; applied AFTER attention
            Tensor q, Tensor qBias,                                  // (localHeads*hd, vH): rows of the q block
            Tensor k, Tensor kBias,                                  // rows of the k block
            Tensor v, Tensor vBias,                                  // rows of the v block
            Tensor dense, Tensor denseBias,                          // (vH, localHeads*hd) columns, (vH)
            Tensor fc1, Tensor fc1Bias,                              // (localFfn, vH), (localFfn)
            Tensor fc2, Tensor fc2Bias,                              // (vH, localFfn) columns, (vH)
            Tensor postLayernormWeight, Tensor postLayernormBias) {  // (vH) each; applied AFTER the MLP
    }

    private final VisionConfig vc;
    private final int hidden;
    private final DeviceGroup group;
    private final TpPlan[] plans;
    private final Layer[][] layers;      // (rank, layer)
    private final Tensor patchProj;      // (vH, C·p·p) view of the conv weight (vH, C, p, p)
    private final Tensor patchBias;      // (vH)
    private final Tensor cls;            // (1, vH)
    private final Tensor positions;      // (num_positions, vH)
    private final Tensor conv;           // (hidden, vH·4) view of (hidden, vH, 2, 2)
    private final Tensor convBias;       // (hidden)
    private final Tensor linearProj;     // (hidden, hidden)
    private final Tensor norm1Weight;    // (hidden)
    private final Tensor norm1Bias;      // (hidden)
    private final Tensor[] gateProj;     // per rank (localFfn, hidden)
    private final Tensor[] upProj;       // per rank (localFfn, hidden): linear_proj.dense_h_to_4h
    private final Tensor[] downProj;     // per rank (hidden, localFfn): linear_proj.dense_4h_to_h columns
    private final Tensor boi;            // (1, hidden)
    private final Tensor eoi;            // (1, hidden)

    VisionTower(ModelConfig cfg, Weights w, DeviceGroup group) {
        this.vc = cfg.vision();
        this.hidden = cfg.hiddenSize();
        this.group = group;
        int vh = vc.hiddenSize();
        int p = vc.patchSize();
        String v = "transformer.vision.";
        patchProj = w.get(v + "patch_embedding.proj.weight").view(vh, (long) vc.inChannels() * p * p);
        patchBias = w.get(v + "patch_embedding.proj.bias");
        cls = w.get(v + "patch_embedding.cls_embedding");
        positions = w.get(v + "patch_embedding.position_embedding.weight");
        conv = w.get(v + "conv.weight").view(hidden, (long) vh * 4);
        convBias = w.get(v + "conv.bias");
        String g = v + "linear_proj.";
        linearProj = w.get(g + "linear_proj.weight");
        norm1Weight = w.get(g + "norm1.weight");
        norm1Bias = w.get(g + "norm1.bias");
        boi = w.get(v + "boi").view(1, hidden);
        eoi = w.get(v + "eoi").view(1, hidden);
        long replicated = Weights.bytes(patchProj, patchBias, cls, positions, conv, convBias, linearProj, norm1Weight,
                norm1Bias, boi, eoi);
        int n = group.size();
        plans = new TpPlan[n];
        layers = new Layer[n][];
        gateProj = new Tensor[n];
        upProj = new Tensor[n];
        downProj = new Tensor[n];
        for (int r = 0; r < n; r++) {
            TpPlan plan = TpPlan.of(cfg, n, r);
            plans[r] = plan;
            layers[r] = layersOf(w, plan);
            gateProj[r] = w.get(g + "gate_proj.weight").narrow(0, plan.ffnStart(), plan.localFfn());
            upProj[r] = w.get(g + "dense_h_to_4h.weight").narrow(0, plan.ffnStart(), plan.localFfn());
            downProj[r] = w.get(g + "dense_4h_to_h.weight").narrow(1, plan.ffnStart(), plan.localFfn());
            long b = replicated + Weights.bytes(gateProj[r], upProj[r], downProj[r]);
            for (Layer l : layers[r]) {
                b += Weights.bytes(l.inputLayernormWeight(), l.inputLayernormBias(), l.q(), l.qBias(), l.k(), l.kBias(),
                        l.v(), l.vBias(), l.dense(), l.denseBias(), l.fc1(), l.fc1Bias(), l.fc2(), l.fc2Bias(),
                        l.postLayernormWeight(), l.postLayernormBias());
            }
            group.device(r).addWeightBytes(b);
        }
    }

    private Layer[] layersOf(Weights w, TpPlan p) {
        int vh = vc.hiddenSize();
        int hd = vc.headDim();
        long a0 = (long) p.visionHeadStart() * hd;
        long an = (long) p.visionLocalHeads() * hd;
        Layer[] ls = new Layer[vc.numLayers()];
        for (int j = 0; j < ls.length; j++) {
            String n = "transformer.vision.transformer.layers." + j + ".";
            Tensor qkv = w.get(n + "attention.query_key_value.weight");   // rows [q | k | v], vH each
            Tensor qkvB = w.get(n + "attention.query_key_value.bias");
            ls[j] = new Layer(
                    w.get(n + "input_layernorm.weight"), w.get(n + "input_layernorm.bias"),
                    qkv.narrow(0, a0, an), qkvB.narrow(0, a0, an),
                    qkv.narrow(0, vh + a0, an), qkvB.narrow(0, vh + a0, an),
                    qkv.narrow(0, 2L * vh + a0, an), qkvB.narrow(0, 2L * vh + a0, an),
                    w.get(n + "attention.dense.weight").narrow(1, a0, an),
                    p.isRoot() ? w.get(n + "attention.dense.bias") : null,
                    w.get(n + "mlp.fc1.weight").narrow(0, p.visionFfnStart(), p.visionLocalFfn()),
                    w.get(n + "mlp.fc1.bias").narrow(0, p.visionFfnStart(), p.visionLocalFfn()),
                    w.get(n + "mlp.fc2.weight").narrow(1, p.visionFfnStart(), p.visionLocalFfn()),
                    p.isRoot() ? w.get(n + "mlp.fc2.bias") : null,
                    w.get(n + "post_attention_layernorm.weight"), w.get(n + "post_attention_layernorm.bias"));
        }
        return ls;
    }

    /** pixels: (3, S, S) normalised, CHW. Returns, per rank, (image_tokens + 2, hidden). */
    Tensor[] forward(float[] pixels) {
        int s = vc.imageSize();
        int grid = vc.grid();
        int vh = vc.hiddenSize();
        int hd = vc.headDim();
        int tokens = grid * grid + 1;
        int lh = plans[0].visionLocalHeads();
        int lf = plans[0].visionLocalFfn();
        Tensor[] x = group.zerosPerRank(tokens, vh);
        Tensor[] ctx = group.zerosPerRank(tokens, (long) lh * hd);
        Tensor[] mid = group.zerosPerRank(tokens, lf);
        Tensor[] sub = group.zerosPerRank(tokens, vh);
        // 1. patch conv (kernel = stride = patch) as im2col + linear; CLS first; + position embedding
        group.launch("patch_embedding", PART, -1, r -> List.of(patchProj), (r, d) -> {
            Tensor patches = Im2col.patches(Tensor.of(pixels, vc.inChannels(), s, s), vc.patchSize());
            Linear.forward(patches, patchProj, patchBias, x[r].narrow(0, 1, (long) grid * grid), d.parallel());
            for (int i = 0; i < vh; i++) {
                x[r].array()[i] = cls.get(0, i);
            }
            Elementwise.add(x[r], positions, x[r]);
        });
        // 2. post-norm blocks: x = x + LN_in(attn(x)); x = x + LN_post(mlp(x)); norms after the reduce
        float scale = (float) (1.0 / Math.sqrt(hd));
        for (int j = 0; j < vc.numLayers(); j++) {
            final int l = j;
            group.launch("attention", PART, l, r -> List.of(x[r], layers[r][l].q()), (r, d) -> {
                Layer w = layers[r][l];
                Tensor q = Tensor.zeros(tokens, (long) lh * hd);
                Tensor k = Tensor.zeros(tokens, (long) lh * hd);
                Tensor v = Tensor.zeros(tokens, (long) lh * hd);
                Linear.forward(x[r], w.q(), w.qBias(), q, d.parallel());
                Linear.forward(x[r], w.k(), w.kBias(), k, d.parallel());
                Linear.forward(x[r], w.v(), w.vBias(), v, d.parallel());
                Attention.forward(q.unflatten(1, lh, hd), k.unflatten(1, lh, hd), v.unflatten(1, lh, hd), 0, false,
                        scale, ctx[r], d.parallel());
            });
            Tensor[] dense = new Tensor[plans.length];
            Tensor[] fc2 = new Tensor[plans.length];
            for (int r = 0; r < plans.length; r++) {
                dense[r] = layers[r][l].dense();
                fc2[r] = layers[r][l].fc2();
            }
            MatmulAllReduce.launch(group, PART, l, "attention.dense", ctx, dense, layers[0][l].denseBias(), sub);
            group.launch("post_norm_residual", PART, l, r -> List.of(sub[r]), (r, d) ->
                    postNormAdd(x[r], sub[r], layers[r][l].inputLayernormWeight(), layers[r][l].inputLayernormBias()));
            group.launch("mlp_fc1_gelu", PART, l, r -> List.of(x[r], layers[r][l].fc1()), (r, d) -> {
                Linear.forward(x[r], layers[r][l].fc1(), layers[r][l].fc1Bias(), mid[r], d.parallel());
                Activations.gelu(mid[r], mid[r]);
            });
            MatmulAllReduce.launch(group, PART, l, "mlp.fc2", mid, fc2, layers[0][l].fc2Bias(), sub);
            group.launch("post_norm_residual", PART, l, r -> List.of(sub[r]), (r, d) ->
                    postNormAdd(x[r], sub[r], layers[r][l].postLayernormWeight(), layers[r][l].postLayernormBias()));
        }
        // 3. drop CLS, view the grid channels-first (vH, g, g), 2x2 stride-2 conv; 4. GLU adapter
        int n = (grid / 2) * (grid / 2);
        Tensor[] act = group.zerosPerRank(n, plans[0].localFfn());
        group.launch("adapter_conv_gate_up", PART, -1, r -> List.of(x[r], conv), (r, d) -> {
            Tensor chw = x[r].narrow(0, 1, (long) grid * grid).unflatten(0, grid, grid).permute(2, 0, 1);
            Tensor blocks = Im2col.patches(chw, 2);                                   // (n, vH·4)
            Tensor y = Tensor.zeros(n, hidden);
            Linear.forward(blocks, conv, convBias, y, d.parallel());
            Tensor z = Tensor.zeros(n, hidden);
            Linear.forward(y, linearProj, null, z, d.parallel());
            Norms.layerNorm(z, norm1Weight, norm1Bias, ADAPTER_LN_EPS, y);
            Activations.gelu(y, y);
            Tensor u = Tensor.zeros(n, plans[r].localFfn());
            Linear.forward(y, gateProj[r], null, act[r], d.parallel());
            Linear.forward(y, upProj[r], null, u, d.parallel());
            Activations.swiglu(act[r], u, act[r]);
        });
        Tensor[] glu = group.zerosPerRank(n, hidden);
        MatmulAllReduce.launch(group, PART, -1, "linear_proj.dense_4h_to_h", act, downProj, null, glu);
        // 5. boi and eoi from the vision weights around the patches, all divided by scaling_factor
        Tensor[] out = group.zerosPerRank(n + 2L, hidden);
        group.launch("boi_eoi_scale", PART, -1, r -> List.of(glu[r]), (r, d) -> {
            float[] o = out[r].array();
            System.arraycopy(glu[r].array(), 0, o, hidden, n * hidden);
            for (int i = 0; i < hidden; i++) {
                o[i] = boi.get(0, i);
                o[(n + 1) * hidden + i] = eoi.get(0, i);
            }
            float div = (float) vc.scalingFactor();
            for (int i = 0; i < o.length; i++) {
                o[i] = o[i] / div;
            }
        });
        return out;
    }

    private void postNormAdd(Tensor x, Tensor sub, Tensor w, Tensor b) {
        Tensor normed = Tensor.zeros(sub.shape());
        Norms.layerNorm(sub, w, b, vc.layerNormEps(), normed);
        Elementwise.add(x, normed, x);
    }
}
