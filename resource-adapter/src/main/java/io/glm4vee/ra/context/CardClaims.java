package io.glm4vee.ra.context;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Which cards the device contexts of this application hold. A context claims its cards before it
 * loads the model and gives them back once its model is closed; a context whose cards are held by
 * another waits (bounded, in state LOADING).
 *
 * <p>Why: when the adapter's properties change, Open Liberty starts a second adapter instance with the
 * new properties while the first still serves, and only then restarts the application (which stops
 * both). Two model replicas on the same cards fit on CPU cards (the weights are one shared mapping)
 * but not in an accelerator's memory. The claims live in the adapter's class loader: instances of one
 * deployment share them; a redeployed application has its own, and the old one's stop() has returned
 * by then. They hold no threads and nothing native.
 */
final class CardClaims {
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static final Condition FREED = LOCK.newCondition();
    private static final Map<String, Object> HOLDERS = new HashMap<>();   // card id -> the context holding it

    private CardClaims() {
    }

    /**
     * Claims every card for holder (cards it holds already stay its own), waiting while another
     * holder has any of them.
     *
     * @param onWait    told once, with the cards held by others, when the claim has to wait
     * @param cancelled checked while waiting and after claiming: when true, nothing stays claimed
     * @throws CancellationException when cancelled
     * @throws IllegalStateException when the cards are not free by deadlineNanos (System.nanoTime())
     */
    static void claim(List<String> cards, Object holder, long deadlineNanos, BooleanSupplier cancelled,
                      java.util.function.Consumer<List<String>> onWait) {
        LOCK.lock();
        try {
            boolean told = false;
            List<String> busy;
            while (!(busy = heldByOthers(cards, holder)).isEmpty()) {
                if (cancelled.getAsBoolean()) {
                    throw new CancellationException("stopped while waiting for cards " + busy);
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("cards " + busy + " are still held by another device context of "
                            + "this application (an adapter instance that is being replaced did not stop in time)");
                }
                if (!told) {
                    onWait.accept(busy);
                    told = true;
                }
                FREED.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            cards.forEach(c -> HOLDERS.put(c, holder));
            if (cancelled.getAsBoolean()) {
                release(cards, holder);
                throw new CancellationException("stopped while claiming cards " + cards);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for cards " + cards);
        } finally {
            LOCK.unlock();
        }
    }

    /** Gives back the cards holder holds; idempotent. */
    static void release(List<String> cards, Object holder) {
        LOCK.lock();
        try {
            boolean any = false;
            for (String c : cards) {
                any |= HOLDERS.remove(c, holder);
            }
            if (any) {
                FREED.signalAll();
            }
        } finally {
            LOCK.unlock();
        }
    }

    /** The cards holder holds now (tests). */
    static List<String> heldBy(Object holder) {
        LOCK.lock();
        try {
            List<String> out = new ArrayList<>();
            HOLDERS.forEach((card, h) -> {
                if (h == holder) {
                    out.add(card);
                }
            });
            return out;
        } finally {
            LOCK.unlock();
        }
    }

    private static List<String> heldByOthers(List<String> cards, Object holder) {
        List<String> out = new ArrayList<>();
        for (String c : cards) {
            Object h = HOLDERS.get(c);
            if (h != null && h != holder) {
                out.add(c);
            }
        }
        return out;
    }
}
