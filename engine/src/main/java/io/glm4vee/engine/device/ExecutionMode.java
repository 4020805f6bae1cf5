package io.glm4vee.engine.device;

import java.util.Map;

/**
 * How host launches reach a card. ASYNC queues ops per card and reports a failure at the next
 * synchronisation point (as an accelerator does); LAUNCH_BLOCKING waits for every op and raises
 * at the op that failed, naming op, layer, card, shapes, strides and dtypes. Same numbers.
 */
public enum ExecutionMode {
    ASYNC,
    LAUNCH_BLOCKING;

    /** GLM4V_LAUNCH_BLOCKING=1, or the Ascend toolkit's ASCEND_LAUNCH_BLOCKING=1, or the explicit flag. */
    public static ExecutionMode resolve(boolean flag, Map<String, String> env) {
        if (flag || "1".equals(env.get("GLM4V_LAUNCH_BLOCKING")) || "1".equals(env.get("ASCEND_LAUNCH_BLOCKING"))) {
            return LAUNCH_BLOCKING;
        }
        return ASYNC;
    }
}
