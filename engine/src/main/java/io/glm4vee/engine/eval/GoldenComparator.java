package io.glm4vee.engine.eval;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The acceptance rule of the reference's compare.py, in Java: per case, prefill logits within
 * atol + rtol·max(1, max|golden|), greedy ids equal (a divergence is accepted only on a golden
 * near-tie), input_ids and positions exact; with strict, the intermediates too. Used by the
 * golden tests of every backend.
 */
public final class GoldenComparator {
    private final double rtol;

    public GoldenComparator(double rtol) {
        this.rtol = rtol;
    }

    /** Problems found in one case; empty when it passes. */
    public List<String> compare(JsonNode golden, JsonNode actual, boolean strict) {
        List<String> bad = new ArrayList<>();
        String name = golden.get("name").asText();
        double[] diff = maxDiff(golden.get("prefill_logits"), actual.get("prefill_logits"));
        double tol = rtol * Math.max(1, diff[1]);
        if (!(diff[0] <= tol)) {
            bad.add(name + ": prefill logits max|diff| " + diff[0] + " > tol " + tol);
        }
        JsonNode gg = golden.get("generated");
        JsonNode ag = actual.get("generated");
        if (!gg.equals(ag)) {
            int k = 0;
            while (k < gg.size() && k < ag.size() && gg.get(k).equals(ag.get(k))) {
                k++;
            }
            boolean nearTie = false;
            if (k < gg.size() && k < ag.size()) {
                JsonNode top = golden.get("step_logits_top5").get(k);
                for (int i = 0; i < top.get("ids").size(); i++) {
                    if (top.get("ids").get(i).asInt() == ag.get(k).asInt()) {
                        nearTie = top.get("values").get(0).asDouble() - top.get("values").get(i).asDouble() <= 2 * tol;
                    }
                }
            }
            if (!nearTie) {
                bad.add(name + ": greedy ids differ at step " + k + ": golden " + gg + " actual " + ag);
            }
        }
        for (String key : new String[] {"input_ids", "positions"}) {
            if (!golden.get(key).equals(actual.get(key))) {
                bad.add(name + ": " + key + " differ");
            }
        }
        if (strict) {
            for (String key : new String[] {"embedding_sum", "vision_out_first_row_first8", "layer0_out_last_row_first8"}) {
                if (golden.get(key).isNull()) {
                    if (!actual.get(key).isNull()) {
                        bad.add(name + ": " + key + " should be null");
                    }
                    continue;
                }
                double[] d = maxDiff(golden.get(key), actual.get(key));
                if (!(d[0] <= rtol * Math.max(1, d[1]))) {
                    bad.add(name + ": " + key + " off by " + d[0]);
                }
            }
        }
        return bad;
    }

    /** {max |a - g|, max |g|}; infinite when the lengths differ or a value is not finite. */
    public static double[] maxDiff(JsonNode g, JsonNode a) {
        if (!g.isArray()) {
            double gv = g.asDouble();
            return new double[] {a == null || !a.isNumber() ? Double.POSITIVE_INFINITY : Math.abs(a.asDouble() - gv), Math.abs(gv)};
        }
        if (a == null || !a.isArray() || a.size() != g.size()) {
            return new double[] {Double.POSITIVE_INFINITY, 0};
        }
        double d = 0;
        double m = 0;
        for (int i = 0; i < g.size(); i++) {
            double x = Math.abs(a.get(i).asDouble() - g.get(i).asDouble());
            d = Double.isNaN(x) ? Double.POSITIVE_INFINITY : Math.max(d, x);
            m = Math.max(m, Math.abs(g.get(i).asDouble()));
        }
        return new double[] {d, m};
    }
}
