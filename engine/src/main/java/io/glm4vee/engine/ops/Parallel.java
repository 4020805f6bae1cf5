package io.glm4vee.engine.ops;

/**
 * How an op splits its work over the threads of one card. Ops never create threads: the
 * card (device) owns them, so nothing outlives the model in an application server.
 */
public interface Parallel {
    /** Runs body over [0, n) split into at most {@link #threads()} contiguous ranges; returns when all are done. */
    void forRange(int n, RangeBody body);

    int threads();

    /** One contiguous range [from, to) of work items. */
    @FunctionalInterface
    interface RangeBody {
        void run(int from, int to);
    }

    /** The caller's thread only. */
    Parallel SERIAL = new Parallel() {
        @Override
        public void forRange(int n, RangeBody body) {
            if (n > 0) {
                body.run(0, n);
            }
        }

        @Override
        public int threads() {
            return 1;
        }
    };
}
