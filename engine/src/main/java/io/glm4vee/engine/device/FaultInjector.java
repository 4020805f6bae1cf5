package io.glm4vee.engine.device;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only card faults: make an op on a card throw, or hang (stop answering), the n-th time
 * it runs. Rules are written "cpu:1:matmul_allreduce:throw", optionally with "@layer" after
 * the op and ":times" at the end (default 1), e.g. "cpu:0:attention@2:hang:1".
 */
public final class FaultInjector {
    public enum Kind { THROW, HANG }

    private record Rule(String device, String op, int layer, Kind kind, AtomicInteger remaining) {
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();

    public static FaultInjector none() {
        return new FaultInjector();
    }

    public FaultInjector add(String device, String op, int layer, Kind kind, int times) {
        rules.add(new Rule(device, op, layer, kind, new AtomicInteger(times)));
        return this;
    }

    public static FaultInjector parse(List<String> specs) {
        FaultInjector f = new FaultInjector();
        for (String spec : specs) {
            String[] p = spec.split(":");
            if (p.length < 4 || p.length > 5) {
                throw new EngineException(ErrorCode.BAD_REQUEST, "fault '" + spec
                        + "' must look like cpu:1:matmul_allreduce[@layer]:throw|hang[:times]");
            }
            String device = p[0] + ":" + p[1];
            String op = p[2];
            int layer = -1;
            int at = op.indexOf('@');
            try {
                if (at >= 0) {
                    layer = Integer.parseInt(op.substring(at + 1));
                    op = op.substring(0, at);
                }
                Kind kind = Kind.valueOf(p[3].toUpperCase(java.util.Locale.ROOT));
                int times = p.length == 5 ? Integer.parseInt(p[4]) : 1;
                f.add(device, op, layer, kind, times);
            } catch (IllegalArgumentException e) {
                throw new EngineException(ErrorCode.BAD_REQUEST, "fault '" + spec + "': " + e.getMessage());
            }
        }
        return f;
    }

    /** Called by a card before it runs op; throws or blocks when a rule matches. */
    public void beforeOp(String device, Op op) throws InterruptedException {
        for (Rule r : rules) {
            if (r.device.equals(device) && r.op.equals(op.name()) && (r.layer < 0 || r.layer == op.layer())
                    && r.remaining.getAndDecrement() > 0) {
                if (r.kind == Kind.THROW) {
                    throw new EngineException(ErrorCode.DEVICE_FAILED, "injected fault: the card raised an error (ERR_INJECTED)");
                }
                Thread.sleep(Long.MAX_VALUE);     // a card that stops answering
            }
        }
    }
}
