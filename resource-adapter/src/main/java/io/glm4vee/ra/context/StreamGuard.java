package io.glm4vee.ra.context;

import io.glm4vee.engine.generate.CancellationToken;
import io.glm4vee.engine.generate.TokenListener;
import io.glm4vee.ra.api.TokenStream;

/**
 * Between the generator and the caller's TokenStream: passes text on, stops generation (between
 * tokens) when the request deadline passes or the stream throws (a client that went away), and
 * hands the stream's exception back to the caller after the context is released.
 */
final class StreamGuard implements TokenListener {
    private final TokenStream stream;
    private final CancellationToken cancel;
    private final long deadlineNanos;
    private RuntimeException streamFailure;
    private boolean timedOut;
    private long firstTokenAt;              // System.nanoTime() of the first token, 0 before it

    StreamGuard(TokenStream stream, CancellationToken cancel, long deadlineNanos) {
        this.stream = stream;
        this.cancel = cancel;
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public void onToken(int tokenId, String textDelta) {
        if (firstTokenAt == 0) {
            firstTokenAt = System.nanoTime();
        }
        if (System.nanoTime() - deadlineNanos > 0) {
            timedOut = true;
            cancel.cancel();
        }
        if (stream == null || textDelta.isEmpty() || streamFailure != null || timedOut) {
            return;
        }
        try {
            stream.onText(textDelta);
        } catch (RuntimeException e) {      // rethrown by rethrow() once the model is free again
            streamFailure = e;
            cancel.cancel();
        }
    }

    /** System.nanoTime() when the first token came, or 0. */
    long firstTokenAt() {
        return firstTokenAt;
    }

    boolean timedOut() {
        return timedOut;
    }

    void rethrow() {
        if (streamFailure != null) {
            throw streamFailure;
        }
    }
}
