package io.glm4vee.ascend.engine;

import io.glm4vee.ascend.runtime.DType;
import io.glm4vee.ascend.runtime.NpuTensor;
import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.backend.ModelForward;
import io.glm4vee.engine.backend.SequenceCache;
import io.glm4vee.engine.device.Device;
import io.glm4vee.engine.device.DeviceGroup;
import io.glm4vee.engine.model.ForwardObserver;
import io.glm4vee.engine.model.ModelConfig;
import io.glm4vee.engine.model.SplicedInput;
import io.glm4vee.engine.model.VisionConfig;
import io.glm4vee.engine.ops.Im2col;
import io.glm4vee.engine.parallel.TpPlan;
import io.glm4vee.engine.tensor.Tensor;
import io.glm4vee.engine.weights.Checkpoint;
import io.glm4vee.engine.weights.TensorInfo;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * GLM-4V on Ascend cards (GLM4V_SPEC sections 3 and 4, split as TpPlan cuts it): each card
 * holds only its shard of the weights, uploaded once in the activation dtype, and keeps every
 * activation and its KV cache in device memory; only ids, RoPE tables, the causal mask and the
 * image's patches go up, and only the logits (and, for eval, the observed rows) come down.
 *
 * <p>Activations take the checkpoint's dtype: bf16 checkpoints run in bf16 (as on the device;
 * attention scores are cast to f32 for the scale, mask and softmax, as the reference model
 * does), f32 checkpoints in f32. Row-parallel layers (text dense and dense_4h_to_h, vision dense
 * and fc2, adapter dense_4h_to_h) call aclnnMatmulAllReduce with a contiguous activation (the
 * layout contract: a non-contiguous view is copied with aclnnInplaceCopy first and counted);
 * where the fused op is not available (f32, or glm4v.ascend.fusedAllReduce=false) they run
 * aclnnMatmul + HcclAllReduce under the same contract, with the bias added once, on rank 0.
 */
final class AscendForward implements ModelForward {
    private static final String TEXT = "text";
    private static final String VISION = "vision";
    private static final String OP = "matmul_allreduce";
    private static final double ADAPTER_LN_EPS = 1e-5;
    private static final Cleaner CLEANER = Cleaner.create();

    private final ModelConfig cfg;
    private final VisionConfig vc;
    private final DeviceGroup group;
    private final AscendCommunicator comm;
    private final AscendTuning tuning;
    private final DType act;
    private final boolean fused;
    private final int tp;
    private final TpPlan[] plans;
    private final RankWeights[] weights;

    /** One rank's device weights; matrices as transposed views (k, n) of the stored (n, k). */
    private static final class RankWeights {
        final List<NpuTensor> owned = new ArrayList<>();
        NpuTensor embed;            // (localVocab + 1, H): the last row is zeros, for ids of other ranks
        NpuTensor finalNorm;
        NpuTensor lmHeadT;          // (H, localVocab)
        TextLayer[] text;
        VisionLayer[] vision;
        NpuTensor patchT, patchBias, cls, positions, convT, convBias, linearProjT, norm1W, norm1B, adapterGateUpT,
                adapterDownT, boi, eoi;
    }

    private record TextLayer(NpuTensor inNorm, NpuTensor qkvT, NpuTensor qkvBias, NpuTensor denseT, NpuTensor postNorm,
                             NpuTensor gateUpT, NpuTensor downT) {
    }

    private record VisionLayer(NpuTensor qkvT, NpuTensor qkvBias, NpuTensor denseT, NpuTensor denseBias,
                               NpuTensor ln1W, NpuTensor ln1B, NpuTensor fc1T, NpuTensor fc1Bias, NpuTensor fc2T,
                               NpuTensor fc2Bias, NpuTensor ln2W, NpuTensor ln2B) {
    }

    AscendForward(ModelConfig cfg, Checkpoint ckpt, DeviceGroup group, AscendTuning tuning) {
        this.cfg = cfg;
        this.vc = cfg.vision();
        this.group = group;
        this.comm = (AscendCommunicator) group.comm();
        this.tuning = tuning;
        this.tp = group.size();
        this.act = activationType(ckpt);
        this.fused = tuning.fusedAllReduce() && act != DType.F32 && tp > 1;
        this.plans = new TpPlan[tp];
        this.weights = new RankWeights[tp];
        for (int r = 0; r < tp; r++) {
            plans[r] = TpPlan.of(cfg, tp, r);
            weights[r] = new RankWeights();
        }
        group.launch("upload_weights", "model", -1, r -> List.of(), (r, d) -> upload(ckpt, r, d));
        group.synchronize("weights uploaded");
    }

    /** bf16 (or f16) checkpoints run in their dtype, f32 checkpoints in f32. */
    private static DType activationType(Checkpoint ckpt) {
        TensorInfo info = ckpt.info("transformer.encoder.layers.0.self_attention.query_key_value.weight");
        return switch (info.dtype()) {
            case BF16 -> DType.BF16;
            case F16 -> DType.F16;
            default -> DType.F32;
        };
    }

    @Override
    public String kvDtype() {
        return act.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public int kvBytesPerElement() {
        return act.bytes();
    }

    String activationDtype() {
        return act.name();
    }

    boolean usesFusedAllReduce() {
        return fused;
    }

    @Override
    public DeviceGroup group() {
        return group;
    }

    @Override
    public boolean hasVision() {
        return vc != null;
    }

    private static Kernels k(Device d) {
        return ((AscendDevice) d).kernels();
    }

    // ------------------------------------------------------------------ weights

    private void upload(Checkpoint ckpt, int r, Device d) {
        Kernels k = k(d);
        RankWeights w = weights[r];
        TpPlan p = plans[r];
        Uploader up = new Uploader(ckpt, k, w, act);
        int h = cfg.hiddenSize();
        int hd = cfg.headDim();
        long qRows = (long) cfg.numHeads() * hd;
        long kvRows = (long) cfg.kvGroups() * hd;
        long q0 = (long) p.headStart() * hd;
        long qn = (long) p.localHeads() * hd;
        long g0 = (long) p.groupStart() * hd;
        long gn = (long) p.localGroups() * hd;
        int f = cfg.ffnHiddenSize();
        w.text = new TextLayer[cfg.numLayers()];
        for (int i = 0; i < w.text.length; i++) {
            String n = "transformer.encoder.layers." + i + ".";
            Tensor qkv = up.host(n + "self_attention.query_key_value.weight");
            Tensor qkvB = cfg.addQkvBias() ? up.host(n + "self_attention.query_key_value.bias") : null;
            Tensor h4 = up.host(n + "mlp.dense_h_to_4h.weight");
            w.text[i] = new TextLayer(
                    up.vector(up.host(n + "input_layernorm.weight")),
                    up.matrixT(qkv.narrow(0, q0, qn), qkv.narrow(0, qRows + g0, gn), qkv.narrow(0, qRows + kvRows + g0, gn)),
                    qkvB == null ? null : up.vector(qkvB.narrow(0, q0, qn), qkvB.narrow(0, qRows + g0, gn),
                            qkvB.narrow(0, qRows + kvRows + g0, gn)),
                    up.matrixT(up.host(n + "self_attention.dense.weight").narrow(1, q0, qn)),
                    up.vector(up.host(n + "post_attention_layernorm.weight")),
                    up.matrixT(h4.narrow(0, p.ffnStart(), p.localFfn()), h4.narrow(0, (long) f + p.ffnStart(), p.localFfn())),
                    up.matrixT(up.host(n + "mlp.dense_4h_to_h.weight").narrow(1, p.ffnStart(), p.localFfn())));
        }
        Tensor emb = up.host("transformer.embedding.word_embeddings.weight").narrow(0, p.vocabStart(), p.localVocab());
        w.embed = up.put(new long[] {p.localVocab() + 1L, h}, emb, Tensor.zeros(1, h));
        w.finalNorm = up.vector(up.host("transformer.encoder.final_layernorm.weight"));
        w.lmHeadT = up.matrixT(up.host("transformer.output_layer.weight").narrow(0, p.vocabStart(), p.localVocab()));
        if (vc != null) {
            uploadVision(up, w, p);
        }
        d.addWeightBytes(up.bytes);
    }

    private void uploadVision(Uploader up, RankWeights w, TpPlan p) {
        int vh = vc.hiddenSize();
        int hd = vc.headDim();
        int h = cfg.hiddenSize();
        String v = "transformer.vision.";
        w.patchT = up.matrixT(up.host(v + "patch_embedding.proj.weight").view(vh, (long) vc.inChannels()
                * vc.patchSize() * vc.patchSize()));
        w.patchBias = up.vector(up.host(v + "patch_embedding.proj.bias"));
        w.cls = up.put(new long[] {1, vh}, up.host(v + "patch_embedding.cls_embedding").view(1, vh));
        Tensor pos = up.host(v + "patch_embedding.position_embedding.weight");
        w.positions = up.put(new long[] {pos.dim(0), pos.dim(1)}, pos);
        w.convT = up.matrixT(up.host(v + "conv.weight").view(h, (long) vh * 4));
        w.convBias = up.vector(up.host(v + "conv.bias"));
        String g = v + "linear_proj.";
        w.linearProjT = up.matrixT(up.host(g + "linear_proj.weight"));
        w.norm1W = up.vector(up.host(g + "norm1.weight"));
        w.norm1B = up.vector(up.host(g + "norm1.bias"));
        w.adapterGateUpT = up.matrixT(up.host(g + "gate_proj.weight").narrow(0, p.ffnStart(), p.localFfn()),
                up.host(g + "dense_h_to_4h.weight").narrow(0, p.ffnStart(), p.localFfn()));
        w.adapterDownT = up.matrixT(up.host(g + "dense_4h_to_h.weight").narrow(1, p.ffnStart(), p.localFfn()));
        w.boi = up.put(new long[] {1, h}, up.host(v + "boi").view(1, h));
        w.eoi = up.put(new long[] {1, h}, up.host(v + "eoi").view(1, h));
        long a0 = (long) p.visionHeadStart() * hd;
        long an = (long) p.visionLocalHeads() * hd;
        w.vision = new VisionLayer[vc.numLayers()];
        for (int j = 0; j < w.vision.length; j++) {
            String n = v + "transformer.layers." + j + ".";
            Tensor qkv = up.host(n + "attention.query_key_value.weight");
            Tensor qkvB = up.host(n + "attention.query_key_value.bias");
            w.vision[j] = new VisionLayer(
                    up.matrixT(qkv.narrow(0, a0, an), qkv.narrow(0, vh + a0, an), qkv.narrow(0, 2L * vh + a0, an)),
                    up.vector(qkvB.narrow(0, a0, an), qkvB.narrow(0, vh + a0, an), qkvB.narrow(0, 2L * vh + a0, an)),
                    up.matrixT(up.host(n + "attention.dense.weight").narrow(1, a0, an)),
                    up.vector(up.host(n + "attention.dense.bias")),
                    up.vector(up.host(n + "input_layernorm.weight")),
                    up.vector(up.host(n + "input_layernorm.bias")),
                    up.matrixT(up.host(n + "mlp.fc1.weight").narrow(0, p.visionFfnStart(), p.visionLocalFfn())),
                    up.vector(up.host(n + "mlp.fc1.bias").narrow(0, p.visionFfnStart(), p.visionLocalFfn())),
                    up.matrixT(up.host(n + "mlp.fc2.weight").narrow(1, p.visionFfnStart(), p.visionLocalFfn())),
                    up.vector(up.host(n + "mlp.fc2.bias")),
                    up.vector(up.host(n + "post_attention_layernorm.weight")),
                    up.vector(up.host(n + "post_attention_layernorm.bias")));
        }
    }

    /** Packs checkpoint views (any layout, stored dtype) into device tensors of the activation dtype. */
    private static final class Uploader {
        final Checkpoint ckpt;
        final Kernels k;
        final RankWeights w;
        final DType dt;
        long bytes;

        Uploader(Checkpoint ckpt, Kernels k, RankWeights w, DType dt) {
            this.ckpt = ckpt;
            this.k = k;
            this.w = w;
            this.dt = dt;
        }

        Tensor host(String name) {
            TensorInfo info = ckpt.info(name);
            return Tensor.wrap(ckpt.data(name), info.dtype(), info.shape());
        }

        /** Row blocks stacked: (sum of rows, cols), returned as the transposed view (cols, rows) for matmul. */
        NpuTensor matrixT(Tensor... blocks) {
            long rows = 0;
            for (Tensor b : blocks) {
                rows += b.dim(0);
            }
            NpuTensor m = put(new long[] {rows, blocks[0].dim(1)}, blocks);
            NpuTensor t = m.transpose(0, 1);
            w.owned.add(t);
            return t;
        }

        NpuTensor vector(Tensor... parts) {
            long n = 0;
            for (Tensor p : parts) {
                n += p.numel();
            }
            return put(new long[] {n}, parts);
        }

        NpuTensor put(long[] dims, Tensor... parts) {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            MemorySegment seg = encode(parts, n, dt);
            NpuTensor t = k.persistent(dt, dims);
            w.owned.add(t);
            k.upload(t, seg);
            bytes += seg.byteSize();
            return t;
        }
    }

    /** Row-major values of the parts, one after the other, in dtype dt. */
    static MemorySegment encode(Tensor[] parts, long n, DType dt) {
        int len = Math.toIntExact(n);
        float[] all = new float[len];
        int at = 0;
        for (Tensor p : parts) {
            float[] f = p.toFloatArray();
            System.arraycopy(f, 0, all, at, f.length);
            at += f.length;
        }
        if (at != len) {
            throw new EngineException(ErrorCode.SHAPE_MISMATCH, "packing " + at + " values into " + len);
        }
        return encode(all, dt);
    }

    static MemorySegment encode(float[] f, DType dt) {
        return switch (dt) {
            case F32 -> MemorySegment.ofArray(f);
            case BF16 -> {
                short[] s = new short[f.length];
                for (int i = 0; i < f.length; i++) {
                    s[i] = io.glm4vee.engine.tensor.DType.floatToBf16(f[i]);
                }
                yield MemorySegment.ofArray(s);
            }
            case F16 -> {
                short[] s = new short[f.length];
                for (int i = 0; i < f.length; i++) {
                    s[i] = Float.floatToFloat16(f[i]);
                }
                yield MemorySegment.ofArray(s);
            }
            default -> throw new EngineException(ErrorCode.UNSUPPORTED_DTYPE, "activation dtype " + dt);
        };
    }

    // ------------------------------------------------------------------ KV cache

    /** Each rank's K and V per layer, (capacity, local groups, head dim) in the activation dtype. */
    private static final class Caches implements SequenceCache {
        final AscendForward owner;
        final NpuTensor[][] keys;        // [rank][layer]
        final NpuTensor[][] values;
        final int capacity;
        final long bytes;
        int length;
        Cleaner.Cleanable cleanable;     // frees the device buffers once: release(), or the GC as a backstop
        volatile boolean released;

        Caches(AscendForward owner, int ranks, int layers, int capacity, long bytes) {
            this.owner = owner;
            this.keys = new NpuTensor[ranks][layers];
            this.values = new NpuTensor[ranks][layers];
            this.capacity = capacity;
            this.bytes = bytes;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public int capacity() {
            return capacity;
        }

        @Override
        public void truncate(int rows) {
            if (rows < 0 || rows > length) {
                throw new EngineException(ErrorCode.BAD_REQUEST, "cannot truncate a KV cache of " + length
                        + " rows to " + rows);
            }
            length = rows;
        }

        @Override
        public long allocatedBytes() {
            return bytes;
        }

        /** Frees the device buffers now, on each card's thread (between its ops); idempotent. */
        @Override
        public void release() {
            released = true;
            Cleaner.Cleanable c = cleanable;
            if (c != null) {
                c.clean();
            }
        }
    }

    /** Frees a dropped sequence's caches on each card's thread (the card frees them anyway when it closes). */
    private record FreeCaches(List<Device> devices, NpuTensor[][] keys, NpuTensor[][] values) implements Runnable {
        @Override
        public void run() {
            for (int r = 0; r < devices.size(); r++) {
                NpuTensor[] ks = keys[r];
                NpuTensor[] vs = values[r];
                ((AscendDevice) devices.get(r)).chore(() -> {
                    for (NpuTensor t : ks) {
                        if (t != null) {
                            t.close();
                        }
                    }
                    for (NpuTensor t : vs) {
                        if (t != null) {
                            t.close();
                        }
                    }
                });
            }
        }
    }

    @Override
    public SequenceCache newCache(int capacity) {
        int layers = cfg.numLayers();
        int lg = plans[0].localGroups();
        long perRank = 2L * layers * capacity * lg * cfg.headDim() * act.bytes();
        if (capacity <= 0) {
            throw new EngineException(ErrorCode.PROMPT_TOO_LONG, "a KV cache needs at least one row, got " + capacity);
        }
        Caches c = new Caches(this, tp, layers, capacity, perRank * tp);
        group.launch("kv_cache_alloc", TEXT, -1, r -> List.of(), (r, d) -> {
            Kernels k = k(d);
            for (int l = 0; l < layers; l++) {
                c.keys[r][l] = k.persistent(act, capacity, lg, cfg.headDim());
                c.values[r][l] = k.persistent(act, capacity, lg, cfg.headDim());
            }
        });
        c.cleanable = CLEANER.register(c, new FreeCaches(group.devices(), c.keys, c.values));
        try {
            group.synchronize("KV cache allocated");
        } catch (RuntimeException e) {
            c.release();            // what did get allocated goes now (the rest with the cards)
            throw e;
        }
        return c;
    }

    // ------------------------------------------------------------------ forward

    @Override
    public float[] forward(SplicedInput in, float[] pixels, int[] positions, SequenceCache cache, ForwardObserver observer) {
        if (!(cache instanceof Caches c) || c.owner != this) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "the KV cache belongs to another model or device group");
        }
        if (c.released) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "the KV cache was released");
        }
        int s = in.length();
        int past = c.length;
        int total = past + s;
        if (total > c.capacity) {
            throw new EngineException(ErrorCode.PROMPT_TOO_LONG, "KV cache full: " + past + " + " + s
                    + " tokens > capacity " + c.capacity);
        }
        for (int p : positions) {
            if (p < 0 || p >= cfg.seqLength()) {
                throw new EngineException(ErrorCode.PROMPT_TOO_LONG, "position " + p + " is outside the model's "
                        + "seq_length " + cfg.seqLength());
            }
        }
        try {
            float[] logits = run(in, pixels, positions, c, observer, s, past);
            c.length = total;
            return logits;
        } finally {
            if (!group.isFailed()) {
                group.launch("release_activations", TEXT, -1, r -> List.of(), (r, d) -> k(d).releaseScope());
            }
        }
    }

    private float[] run(SplicedInput in, float[] pixels, int[] positions, Caches c, ForwardObserver observer, int s,
                        int past) {
        int h = cfg.hiddenSize();
        NpuTensor[] x = new NpuTensor[tp];
        NpuTensor[] img = in.hasImage() ? vision(pixels) : null;
        embed(in, img, x);
        if (observer != null) {
            observer.inputEmbeddings(Tensor.of(observe(x), s, h));
        }
        float[][] tables = ropeTables(positions);
        MemorySegment cosBytes = encode(tables[0], act);
        MemorySegment sinBytes = encode(tables[1], act);
        float[] maskValues = s > 1 ? causalMask(s, past) : null;
        int rot = cfg.rotaryDim();
        NpuTensor[][] rope = new NpuTensor[tp][];
        NpuTensor[] mask = new NpuTensor[tp];
        group.launch("rope_mask_tables", TEXT, -1, r -> List.of(), (r, d) -> {
            Kernels k = k(d);
            // CANN's rotary kernels take cos/sin in x's dtype
            rope[r] = new NpuTensor[] {k.tmp(act, 1, s, 1, rot), k.tmp(act, 1, s, 1, rot)};
            k.upload(rope[r][0], cosBytes);
            k.upload(rope[r][1], sinBytes);
            if (maskValues != null) {
                mask[r] = k.tmp(DType.F32, s, past + s);
                k.upload(mask[r], maskValues);
            }
        });
        for (int i = 0; i < cfg.numLayers(); i++) {
            textLayer(i, x, c, rope, mask, s, past);
            if (observer != null) {
                observer.textLayerOutput(i, Tensor.of(observe(x), s, h));
            }
        }
        float[][] logits = new float[1][];
        int lv = plans[0].localVocab();
        group.launch("lm_head", TEXT, -1, r -> List.of(), (r, d) -> {
            Kernels k = k(d);
            RankWeights w = weights[r];
            NpuTensor hn = k.tmp(act, 1, h);
            k.rmsNorm(k.narrow(x[r], 0, s - 1, 1), w.finalNorm, cfg.layerNormEps(), hn);
            NpuTensor local = k.tmp(act, 1, lv);
            k.matmul(hn, w.lmHeadT, local);
            NpuTensor f32 = local;
            if (act != DType.F32) {
                f32 = k.tmp(DType.F32, 1, lv);
                k.cast(local, f32);
            }
            NpuTensor full = f32;
            if (tp > 1) {
                full = k.tmp(DType.F32, (long) tp * lv);
                k.allGather(comm.group(), f32, full);
            }
            if (r == 0) {
                logits[0] = k.downloadF32(full);
            }
        });
        group.synchronize("end of the text forward");
        return logits[0];
    }

    /** Rank 0's x as host f32, after everything queued so far has run. */
    private float[] observe(NpuTensor[] x) {
        float[][] out = new float[1][];
        group.launch("observe", TEXT, -1, r -> List.of(), (r, d) -> {
            if (r == 0) {
                out[0] = k(d).downloadF32(x[0]);
            }
        });
        group.synchronize("observed activations");
        return out[0];
    }

    /** cos and sin, (S, rotary_dim), each pair (2i, 2i+1) sharing θ_i = base^(-2i/rotary_dim). */
    private float[][] ropeTables(int[] positions) {
        int rot = cfg.rotaryDim();
        int half = rot / 2;
        float[] cos = new float[positions.length * rot];
        float[] sin = new float[cos.length];
        for (int t = 0; t < positions.length; t++) {
            for (int i = 0; i < half; i++) {
                double theta = 1.0 / Math.pow(cfg.ropeBase(), (2.0 * i) / rot);
                double ang = positions[t] * theta;
                float cv = (float) Math.cos(ang);
                float sv = (float) Math.sin(ang);
                cos[t * rot + 2 * i] = cv;
                cos[t * rot + 2 * i + 1] = cv;
                sin[t * rot + 2 * i] = sv;
                sin[t * rot + 2 * i + 1] = sv;
            }
        }
        return new float[][] {cos, sin};
    }

    /** (S, past + S): 0 where row i may see cache row j (j <= past + i), -inf elsewhere. */
    private static float[] causalMask(int s, int past) {
        int t = past + s;
        float[] m = new float[s * t];
        for (int i = 0; i < s; i++) {
            Arrays.fill(m, i * t + past + i + 1, (i + 1) * t, Float.NEGATIVE_INFINITY);
        }
        return m;
    }

    /** x := word embeddings (vocab-parallel lookup, all-reduced) with the image rows between boi and eoi. */
    private void embed(SplicedInput in, NpuTensor[] img, NpuTensor[] x) {
        int[] ids = in.ids();
        int h = cfg.hiddenSize();
        int s = in.length();
        int b = in.boiIndex();
        int[] text = in.hasImage()
                ? concat(Arrays.copyOfRange(ids, 0, b), Arrays.copyOfRange(ids, b + 3, ids.length)) : ids;
        int imgRows = in.hasImage() ? in.imageTokens() + 2 : 0;
        group.launch("embedding", TEXT, -1, r -> List.of(), (r, d) -> {
            Kernels k = k(d);
            TpPlan p = plans[r];
            x[r] = k.tmp(act, s, h);
            if (text.length > 0) {
                long[] local = new long[text.length];
                for (int i = 0; i < text.length; i++) {
                    int id = text[i] - p.vocabStart();
                    local[i] = id >= 0 && id < p.localVocab() ? id : p.localVocab();   // the zero row
                }
                NpuTensor idx = k.tmp(DType.I64, text.length);
                k.upload(idx, local);
                NpuTensor e = in.hasImage() ? k.tmp(act, text.length, h) : x[r];
                k.embedding(weights[r].embed, idx, e);
                if (tp > 1) {
                    k.allReduce(comm.group(), e);
                }
                if (in.hasImage()) {
                    if (b > 0) {
                        k.copy(k.narrow(x[r], 0, 0, b), k.narrow(e, 0, 0, b));
                    }
                    if (text.length > b) {
                        k.copy(k.narrow(x[r], 0, b + imgRows, text.length - b), k.narrow(e, 0, b, text.length - b));
                    }
                }
            }
            if (in.hasImage()) {
                k.copy(k.narrow(x[r], 0, b, imgRows), img[r]);
            }
        });
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private void textLayer(int l, NpuTensor[] x, Caches c, NpuTensor[][] rope, NpuTensor[] mask, int s, int past) {
        int h = cfg.hiddenSize();
        int hd = cfg.headDim();
        int rot = cfg.rotaryDim();
        int total = past + s;
        double eps = cfg.layerNormEps();
        TpPlan p0 = plans[0];
        int lh = p0.localHeads();
        int lg = p0.localGroups();
        int lq = lh * hd;
        int lkv = lg * hd;
        int width = lq + 2 * lkv;
        int hpg = lh / lg;
        float scale = (float) (1.0 / Math.sqrt(hd));
        NpuTensor[] normed = new NpuTensor[tp];
        NpuTensor[] ctx = new NpuTensor[tp];
        NpuTensor[] sub = new NpuTensor[tp];
        group.launch("input_layernorm", TEXT, l, r -> List.of(), (r, d) -> {
            Kernels k = k(d);
            normed[r] = k.tmp(act, s, h);
            k.rmsNorm(x[r], weights[r].text[l].inNorm(), eps, normed[r]);
        });
        group.launch("attention", TEXT, l, r -> List.of(), (r, d) -> {
            Kernels k = k(d);
            TextLayer w = weights[r].text[l];
            NpuTensor qkv = k.tmp(act, s, width);
            k.matmul(normed[r], w.qkvT(), qkv);
            if (w.qkvBias() != null) {
                k.add(qkv, w.qkvBias(), qkv);
            }
            // partial interleaved RoPE on the first rotary_dim dims of every q and k head, in place
            NpuTensor cos = rope[r][0];
            NpuTensor sin = rope[r][1];
            NpuTensor q4 = k.view(qkv, new long[] {1, s, lh, rot}, new long[] {(long) s * width, width, hd, 1}, 0);
            NpuTensor k4 = k.view(qkv, new long[] {1, s, lg, rot}, new long[] {(long) s * width, width, hd, 1}, lq);
            k.rope(q4, cos, sin, q4);
            k.rope(k4, cos, sin, k4);
            // append k and v to the cache rows [past, past + s)
            NpuTensor kc = c.keys[r][l];
            NpuTensor vc = c.values[r][l];
            long[] kvDims = {s, lg, hd};
            long[] kvStrides = {width, hd, 1};
            k.copy(k.narrow(kc, 0, past, s), k.view(qkv, kvDims, kvStrides, lq));
            k.copy(k.narrow(vc, 0, past, s), k.view(qkv, kvDims, kvStrides, lq + lkv));
            // per KV group: softmax(q kᵀ · scale + mask) v for its heads; scores in f32
            ctx[r] = contextBuffer(k, s, lq);
            for (int g = 0; g < lg; g++) {
                NpuTensor qg = k.view(qkv, new long[] {hpg, s, hd}, new long[] {hd, width, 1}, (long) g * hpg * hd);
                NpuTensor kt = k.view(kc, new long[] {hd, total}, new long[] {1, (long) lg * hd}, (long) g * hd);
                NpuTensor vg = k.view(vc, new long[] {total, hd}, new long[] {(long) lg * hd, 1}, (long) g * hd);
                NpuTensor probs = attentionProbs(k, qg, kt, mask[r], scale, hpg, s, total, false);
                k.matmul(probs, vg, contextView(k, ctx[r], g * hpg, hpg, s, hd, lq));
            }
        });
        rowParallel(TEXT, l, "self_attention.dense", ctx, r -> weights[r].text[l].denseT(), r -> null, sub, s, h);
        group.launch("residual_add", TEXT, l, r -> List.of(), (r, d) -> k(d).add(x[r], sub[r], x[r]));
        int lf = p0.localFfn();
        NpuTensor[] a = new NpuTensor[tp];
        group.launch("mlp_gate_up", TEXT, l, r -> List.of(), (r, d) -> {
            Kernels k = k(d);
            TextLayer w = weights[r].text[l];
            k.rmsNorm(x[r], w.postNorm(), eps, normed[r]);
            NpuTensor gu = k.tmp(act, s, 2L * lf);
            k.matmul(normed[r], w.gateUpT(), gu);
            a[r] = swiglu(k, gu, s, lf);
        });
        rowParallel(TEXT, l, "mlp.dense_4h_to_h", a, r -> weights[r].text[l].downT(), r -> null, sub, s, h);
        group.launch("residual_add", TEXT, l, r -> List.of(), (r, d) -> k(d).add(x[r], sub[r], x[r]));
    }

    /** silu(gu[:, :f]) * gu[:, f:] into a new (rows, f). */
    private NpuTensor swiglu(Kernels k, NpuTensor gu, long rows, long f) {
        NpuTensor out = k.tmp(act, rows, f);
        k.silu(k.narrow(gu, 1, 0, f), out);
        k.mul(out, k.narrow(gu, 1, f, f), out);
        return out;
    }

    /**
     * softmax(q·kᵀ·scale + mask) for one group of heads: scores in the activation dtype, then
     * scale, mask and softmax in f32, probabilities back in the activation dtype.
     */
    private NpuTensor attentionProbs(Kernels k, NpuTensor q, NpuTensor kt, NpuTensor mask, float scale, long heads,
                                     long rows, long keys, boolean batched) {
        NpuTensor scores = k.tmp(act, heads, rows, keys);
        if (batched) {
            k.batchMatMul(q, kt, scores);
        } else {
            k.matmul(q, kt, scores);
        }
        NpuTensor f = scores;
        if (act != DType.F32) {
            f = k.tmp(DType.F32, heads, rows, keys);
            k.cast(scores, f);
        }
        k.muls(f, scale, f);
        if (mask != null) {
            k.add(f, mask, f);
        }
        k.softmax(f, 2, f);
        if (act == DType.F32) {
            return f;
        }
        NpuTensor probs = k.tmp(act, heads, rows, keys);
        k.cast(f, probs);
        return probs;
    }

    /**
     * The attention context (rows, width) as the row-parallel input sees it: row-major, or (test
     * switch transposedContext) kept column-major, so the input is a transposed view.
     */
    private NpuTensor contextBuffer(Kernels k, long rows, long width) {
        if (tuning.transposedContext()) {
            return k.transpose(k.tmp(act, width, rows), 0, 1);
        }
        return k.tmp(act, rows, width);
    }

    /** heads [h0, h0 + n) of a context (rows, width) as (n, rows, headDim). */
    private NpuTensor contextView(Kernels k, NpuTensor ctx, long h0, long n, long rows, long hd, long width) {
        long[] st = ctx.strides();                       // (row stride, column stride)
        return k.view(ctx, new long[] {n, rows, hd}, new long[] {hd * st[1], st[0], st[1]}, ctx.offset() + h0 * hd * st[1]);
    }

    @FunctionalInterface
    private interface PerRank {
        NpuTensor get(int rank);
    }

    /**
     * The row-parallel layer y = Σ_r x_r·W_rᵀ (+ bias once: rank 0's). Layout contract: x is handed to the
     * fused op contiguous; a non-contiguous view is copied (aclnnInplaceCopy) and counted first.
     */
    private void rowParallel(String part, int layer, String weightName, NpuTensor[] x, PerRank wT, PerRank bias,
                             NpuTensor[] y, long rows, long n) {
        group.launch(OP, weightName, part, layer, r -> List.of(), (r, d) -> {
            Kernels k = k(d);
            NpuTensor in = x[r];
            if (!in.isContiguous() && tuning.layoutContract()) {
                group.layout().recordCopy(OP + " " + weightName + " on " + d.id() + ": " + in.describe());
                NpuTensor packed = k.tmp(act, in.dims());
                k.copy(packed, in);
                in = packed;
            }
            y[r] = k.tmp(act, rows, n);
            NpuTensor b = bias.get(r);
            if (tp == 1) {
                k.matmul(in, wT.get(r), y[r]);
                if (b != null) {
                    k.add(y[r], b, y[r]);
                }
            } else if (fused) {
                // aclnnMatmulAllReduce computes allreduce(x1 @ x2 + bias): every rank's bias is
                // summed, so the bias goes to rank 0 only (as vllm-ascend does)
                k.matmulAllReduce(comm.group(), in, wT.get(r), r == 0 ? b : null, y[r]);
            } else {
                k.matmul(in, wT.get(r), y[r]);
                if (b != null && r == 0) {
                    k.add(y[r], b, y[r]);
                }
                k.allReduce(comm.group(), y[r]);
            }
        });
    }

    // ------------------------------------------------------------------ vision

    /** The vision tower and adapter on pixels (3, S, S): per rank (image_tokens + 2, hidden). */
    private NpuTensor[] vision(float[] pixels) {
        int s = vc.imageSize();
        int grid = vc.grid();
        int vh = vc.hiddenSize();
        int hd = vc.headDim();
        int h = cfg.hiddenSize();
        int tokens = grid * grid + 1;
        int lh = plans[0].visionLocalHeads();
        int an = lh * hd;
        int lf = plans[0].visionLocalFfn();
        float scale = (float) (1.0 / Math.sqrt(hd));
        Tensor patches = Im2col.patches(Tensor.of(pixels, vc.inChannels(), s, s), vc.patchSize());
        MemorySegment patchBytes = encode(patches.toFloatArray(), act);
        NpuTensor[] x = new NpuTensor[tp];
        group.launch("patch_embedding", VISION, -1, r -> List.of(), (r, d) -> {
            Kernels k = k(d);
            RankWeights w = weights[r];
            NpuTensor pt = k.tmp(act, patches.dim(0), patches.dim(1));
            k.upload(pt, patchBytes);
            x[r] = k.tmp(act, tokens, vh);
            NpuTensor rows = k.narrow(x[r], 0, 1, (long) grid * grid);
            k.matmul(pt, w.patchT, rows);
            k.add(rows, w.patchBias, rows);
            k.copy(k.narrow(x[r], 0, 0, 1), w.cls);
            k.add(x[r], w.positions, x[r]);
        });
        NpuTensor[] ctx = new NpuTensor[tp];
        NpuTensor[] mid = new NpuTensor[tp];
        NpuTensor[] sub = new NpuTensor[tp];
        for (int j = 0; j < vc.numLayers(); j++) {
            final int l = j;
            group.launch("attention", VISION, l, r -> List.of(), (r, d) -> {
                Kernels k = k(d);
                VisionLayer w = weights[r].vision[l];
                int width = 3 * an;
                NpuTensor qkv = k.tmp(act, tokens, width);
                k.matmul(x[r], w.qkvT(), qkv);
                k.add(qkv, w.qkvBias(), qkv);
                NpuTensor q = k.view(qkv, new long[] {lh, tokens, hd}, new long[] {hd, width, 1}, 0);
                NpuTensor kt = k.view(qkv, new long[] {lh, hd, tokens}, new long[] {hd, 1, width}, an);
                NpuTensor v = k.view(qkv, new long[] {lh, tokens, hd}, new long[] {hd, width, 1}, 2L * an);
                NpuTensor probs = attentionProbs(k, q, kt, null, scale, lh, tokens, tokens, true);
                ctx[r] = contextBuffer(k, tokens, an);
                k.batchMatMul(probs, v, contextView(k, ctx[r], 0, lh, tokens, hd, an));
            });
            rowParallel(VISION, l, "attention.dense", ctx, r -> weights[r].vision[l].denseT(),
                    r -> weights[r].vision[l].denseBias(), sub, tokens, vh);
            group.launch("post_norm_residual", VISION, l, r -> List.of(), (r, d) -> {
                VisionLayer w = weights[r].vision[l];
                postNormAdd(k(d), x[r], sub[r], w.ln1W(), w.ln1B(), tokens, vh);
            });
            group.launch("mlp_fc1_gelu", VISION, l, r -> List.of(), (r, d) -> {
                Kernels k = k(d);
                VisionLayer w = weights[r].vision[l];
                mid[r] = k.tmp(act, tokens, lf);
                k.matmul(x[r], w.fc1T(), mid[r]);
                k.add(mid[r], w.fc1Bias(), mid[r]);
                k.gelu(mid[r], mid[r]);
            });
            rowParallel(VISION, l, "mlp.fc2", mid, r -> weights[r].vision[l].fc2T(),
                    r -> weights[r].vision[l].fc2Bias(), sub, tokens, vh);
            group.launch("post_norm_residual", VISION, l, r -> List.of(), (r, d) -> {
                VisionLayer w = weights[r].vision[l];
                postNormAdd(k(d), x[r], sub[r], w.ln2W(), w.ln2B(), tokens, vh);
            });
        }
        // drop CLS, 2x2 stride-2 conv as matmul over (c, di, dj) blocks, then the GLU adapter
        int g2 = grid / 2;
        long n = (long) g2 * g2;
        int alf = plans[0].localFfn();
        NpuTensor[] a = new NpuTensor[tp];
        group.launch("adapter_conv_gate_up", VISION, -1, r -> List.of(), (r, d) -> {
            Kernels k = k(d);
            RankWeights w = weights[r];
            NpuTensor blocks = k.tmp(act, g2, g2, vh, 2, 2);
            k.copy(blocks, k.view(x[r], new long[] {g2, g2, vh, 2, 2},
                    new long[] {2L * grid * vh, 2L * vh, 1, (long) grid * vh, vh}, vh));
            NpuTensor y = k.tmp(act, n, h);
            k.matmul(k.reshape(blocks, n, (long) vh * 4), w.convT, y);
            k.add(y, w.convBias, y);
            NpuTensor z = k.tmp(act, n, h);
            k.matmul(y, w.linearProjT, z);
            k.layerNorm(z, w.norm1W, w.norm1B, ADAPTER_LN_EPS, y);
            k.gelu(y, y);
            NpuTensor gu = k.tmp(act, n, 2L * alf);
            k.matmul(y, w.adapterGateUpT, gu);
            a[r] = swiglu(k, gu, n, alf);
        });
        NpuTensor[] glu = new NpuTensor[tp];
        rowParallel(VISION, -1, "linear_proj.dense_4h_to_h", a, r -> weights[r].adapterDownT, r -> null, glu, n, h);
        NpuTensor[] out = new NpuTensor[tp];
        group.launch("boi_eoi_scale", VISION, -1, r -> List.of(), (r, d) -> {
            Kernels k = k(d);
            RankWeights w = weights[r];
            out[r] = k.tmp(act, n + 2, h);
            k.copy(k.narrow(out[r], 0, 0, 1), w.boi);
            k.copy(k.narrow(out[r], 0, 1, n), glu[r]);
            k.copy(k.narrow(out[r], 0, n + 1, 1), w.eoi);
            k.muls(out[r], 1.0 / vc.scalingFactor(), out[r]);
        });
        return out;
    }

    /** x += LayerNorm(sub) (the EVA2-CLIP post-norm block). */
    private void postNormAdd(Kernels k, NpuTensor x, NpuTensor sub, NpuTensor w, NpuTensor b, long rows, long cols) {
        NpuTensor normed = k.tmp(act, rows, cols);
        k.layerNorm(sub, w, b, vc.layerNormEps(), normed);
        k.add(x, normed, x);
    }
}
