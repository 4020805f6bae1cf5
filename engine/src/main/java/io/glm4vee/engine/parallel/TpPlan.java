package io.glm4vee.engine.parallel;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.model.ModelConfig;
import io.glm4vee.engine.model.VisionConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * All shard arithmetic of one rank in one place (GLM4V_SPEC section 8), so model code reads
 * {@code plan.headStart()} instead of recomputing it. Megatron's vocabulary: weights are
 * [out, in]; column-parallel shards out (no communication), row-parallel shards in and ends
 * with an all-reduce.
 *
 * <p>KV groups: with groups >= tp each rank owns groups/tp of them; with fewer groups than
 * ranks every rank owns one group, g = rank / (tp / groups) (replication, as vLLM and
 * LMDeploy do), which keeps GQA intact: query head h still reads group h / (heads / groups).
 */
public record TpPlan(int tp, int rank,
                     int headStart, int localHeads,          // text query heads
                     int groupStart, int localGroups,        // text KV groups
                     int ffnStart, int localFfn,             // text MLP and GLU adapter columns
                     int vocabStart, int localVocab,         // embedding and LM head rows
                     int visionHeadStart, int visionLocalHeads,
                     int visionFfnStart, int visionLocalFfn) {

    public static TpPlan of(ModelConfig c, int tp, int rank) {
        check(c, tp);
        if (rank < 0 || rank >= tp) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "rank " + rank + " outside [0, " + tp + ")");
        }
        int heads = c.numHeads() / tp;
        int groups;
        int g0;
        if (c.kvGroups() >= tp) {
            groups = c.kvGroups() / tp;
            g0 = rank * groups;
        } else {
            groups = 1;
            g0 = rank / (tp / c.kvGroups());
        }
        int f = c.ffnHiddenSize() / tp;
        int v = c.paddedVocabSize() / tp;
        VisionConfig vc = c.vision();
        int vh = vc == null ? 0 : vc.numHeads() / tp;
        int vf = vc == null ? 0 : vc.intermediateSize() / tp;
        return new TpPlan(tp, rank, rank * heads, heads, g0, groups, rank * f, f, rank * v, v,
                rank * vh, vh, rank * vf, vf);
    }

    /** Every reason this checkpoint cannot be split over tp cards; empty when it can. */
    public static List<String> problems(ModelConfig c, int tp) {
        List<String> bad = new ArrayList<>();
        if (tp < 1) {
            bad.add("tp must be >= 1 (got " + tp + ")");
            return bad;
        }
        divides(bad, "num_attention_heads", c.numHeads(), tp);
        divides(bad, "ffn_hidden_size", c.ffnHiddenSize(), tp);
        divides(bad, "padded_vocab_size", c.paddedVocabSize(), tp);
        if (c.kvGroups() % tp != 0 && tp % c.kvGroups() != 0) {
            bad.add("multi_query_group_num=" + c.kvGroups() + " neither divides nor is a multiple of " + tp);
        }
        if (c.vision() != null) {
            divides(bad, "vision_config.num_heads", c.vision().numHeads(), tp);
            divides(bad, "vision_config.intermediate_size", c.vision().intermediateSize(), tp);
        }
        return bad;
    }

    private static void divides(List<String> bad, String field, int value, int tp) {
        if (value % tp != 0) {
            bad.add(field + "=" + value + " is not divisible by " + tp);
        }
    }

    /** Refuses a tp size before anything is loaded, naming every field that does not split. */
    public static void check(ModelConfig c, int tp) {
        List<String> bad = problems(c, tp);
        if (!bad.isEmpty()) {
            throw new EngineException(ErrorCode.TP_UNSUPPORTED,
                    "tp=" + tp + " is not supported by this checkpoint: " + String.join("; ", bad));
        }
    }

    public boolean isRoot() {
        return rank == 0;
    }
}
