package io.glm4vee.ra.api;

import java.io.Serializable;
import java.util.List;

/**
 * What the adapter measures about its device contexts and cards, at one moment: the figures behind
 * the server's /metrics. Counters (served, rebuilds, cardFailures, contiguousCopies, busyNanos,
 * opsRun) only grow while the adapter runs; they survive rebuilds of a context's device group.
 *
 * @param contexts every device context, in index order
 * @param cards    every card of a context (unused cards are not listed)
 */
public record MetricsSnapshot(List<ContextMetrics> contexts, List<CardMetrics> cards) implements Serializable {

    public MetricsSnapshot {
        contexts = List.copyOf(contexts);
        cards = List.copyOf(cards);
    }

    /** No contexts, no cards (what a connection without metrics reports). */
    public static MetricsSnapshot empty() {
        return new MetricsSnapshot(List.of(), List.of());
    }

    /**
     * One device context.
     *
     * @param state            LOADING, READY, DRAINING, FAILED, REBUILDING, STOPPED
     * @param active           requests running now (0 or 1)
     * @param queued           requests waiting for it now
     * @param sessions         open chat sessions it holds
     * @param served           requests it has run (answered or failed)
     * @param rebuilds         device-group rebuilds that brought it back into service
     * @param cardFailures     times a card failure took it out of service
     * @param contiguousCopies activations the fused matmul + all-reduce had to make contiguous first
     * @param kvBytes          KV cache its chat sessions hold now, all its cards together
     */
    public record ContextMetrics(String id, String state, int active, int queued, int sessions, long served,
                                 long rebuilds, long cardFailures, long contiguousCopies, long kvBytes)
            implements Serializable {
    }

    /**
     * One card.
     *
     * @param context     the device context it serves
     * @param weightBytes bytes of weight slices it holds
     * @param kvBytes     KV cache of chat sessions it holds now
     * @param busyNanos   time it spent running ops
     * @param opsRun      ops it ran
     */
    public record CardMetrics(String id, String context, long weightBytes, long kvBytes, long busyNanos, long opsRun)
            implements Serializable {

        /** Memory in use: weights plus KV cache. */
        public long memoryBytes() {
            return weightBytes + kvBytes;
        }
    }
}
