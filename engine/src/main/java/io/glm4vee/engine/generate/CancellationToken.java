package io.glm4vee.engine.generate;

import java.util.concurrent.atomic.AtomicBoolean;

/** Cooperative cancellation, checked before the prefill and between tokens. */
public final class CancellationToken {
    private final AtomicBoolean cancelled = new AtomicBoolean();

    public void cancel() {
        cancelled.set(true);
    }

    public boolean isCancelled() {
        return cancelled.get();
    }
}
