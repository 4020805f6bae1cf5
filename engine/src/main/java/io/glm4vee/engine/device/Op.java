package io.glm4vee.engine.device;

import io.glm4vee.engine.tensor.Tensor;

import java.util.List;
import java.util.function.Supplier;

/**
 * One unit of work launched on a card: a name (what an operator would see in a profile),
 * the layer it belongs to (-1 outside layers), the operands (described in error messages) and
 * the kernel itself.
 *
 * @param detail   what the op works on, e.g. the weight of a fused matmul (may be empty)
 * @param part     "text" or "vision"
 * @param layer    layer index within the part, or -1
 * @param operands evaluated only when an error must be described
 */
public record Op(String name, String detail, String part, int layer, Supplier<List<Tensor>> operands, Runnable kernel) {

    /** "matmul_allreduce self_attention.dense (text layer 3)" */
    public String where() {
        String what = detail == null || detail.isEmpty() ? name : name + " " + detail;
        return what + (layer >= 0 ? " (" + part + " layer " + layer + ")" : " (" + part + ")");
    }

    /** Shapes, strides and dtypes of the operands, for error messages. */
    public String describeOperands() {
        StringBuilder sb = new StringBuilder();
        try {
            List<Tensor> ts = operands == null ? List.of() : operands.get();
            for (int i = 0; i < ts.size(); i++) {
                Tensor t = ts.get(i);
                sb.append(i == 0 ? "" : "; ").append("operand ").append(i).append(": ")
                        .append(t == null ? "none" : t.describe());
            }
        } catch (RuntimeException e) {
            sb.append("operands unavailable: ").append(e.getMessage());
        }
        return sb.toString();
    }
}
