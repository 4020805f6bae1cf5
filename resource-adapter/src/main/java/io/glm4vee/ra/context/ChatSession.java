package io.glm4vee.ra.context;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.model.Glm4vModel;
import io.glm4vee.engine.model.Sequence;
import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A chat session pinned to one context: its committed turns, its image (glm-4v takes one per
 * conversation) and a KV cache ({@link Sequence}) that the next turn reuses for the shared prefix.
 *
 * <p>Transactions: a unit of work that runs a turn <em>holds</em> the session until it commits
 * or rolls back. Its turns are pending: on commit they join the history; on rollback they vanish
 * and the KV cache is cut back to what it held before (a cache created inside the unit of work
 * is released). Another unit of work that wants the session waits, bounded. The KV cache is
 * only a cache: it may be dropped (rebuilt context, KV budget) and is recomputed from the
 * history on the next turn.
 */
public final class ChatSession {
    private final String id;
    private final String caller;
    private final DeviceContext context;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition free = lock.newCondition();
    // guarded by lock:
    private final List<ChatMessage> history = new ArrayList<>();
    private float[] pixels;                  // the committed image, normalised, or null
    private Sequence sequence;               // KV cache, or null
    private long sequenceGeneration;         // the context generation it belongs to
    private UnitOfWork holder;
    private final List<ChatMessage> pending = new ArrayList<>();
    private float[] pendingPixels;
    private int[] idsAtHold;                 // what the cache held when the holder took it; null = no cache
    private long generationAtHold;
    private boolean turnRunning;
    private boolean closed;
    private volatile long lastUsed = System.nanoTime();

    ChatSession(String id, String caller, DeviceContext context) {
        this.id = id;
        this.caller = caller;
        this.context = context;
    }

    public String id() {
        return id;
    }

    public String caller() {
        return caller;
    }

    public DeviceContext context() {
        return context;
    }

    long lastUsed() {
        return lastUsed;
    }

    /** What the prompt of a turn is built from: committed history plus the holder's pending turns. */
    public record TurnState(List<ChatMessage> messages, float[] pixels, Sequence sequence, long generation) {
    }

    /**
     * Takes the session for a turn of uow, waiting (bounded) while another unit of work holds it
     * or a turn runs. Must be followed by {@link #turnSucceeded} or {@link #turnFailed}.
     */
    public TurnState beginTurn(UnitOfWork uow, long deadlineNanos) {
        lock.lock();
        try {
            while (!closed && ((holder != null && holder != uow) || turnRunning)) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    throw new InferenceException(Code.TIMEOUT, "session " + id + " is held by another open "
                            + "transaction (or a running turn) for longer than the request timeout", 1, null);
                }
                free.awaitNanos(left);
            }
            if (closed) {
                throw Errors.notFound("session " + id + " was closed");
            }
            if (holder == null) {
                uow.hold(this);                // throws when uow is no longer active: then nothing is held
                holder = uow;
                idsAtHold = sequence == null ? null : sequence.consumedIds();
                generationAtHold = sequenceGeneration;
            }
            turnRunning = true;
            lastUsed = System.nanoTime();
            List<ChatMessage> all = new ArrayList<>(history);
            all.addAll(pending);
            return new TurnState(all, pendingPixels != null ? pendingPixels : pixels, sequence, sequenceGeneration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errors.unavailable("interrupted while waiting for session " + id, null);
        } finally {
            lock.unlock();
        }
    }

    /** The KV cache the turn ran on (possibly a new one) and the messages it added (pending until commit). */
    public void turnSucceeded(Sequence used, long generation, List<ChatMessage> added, float[] newPixels) {
        lock.lock();
        try {
            replaceSequence(used);
            sequenceGeneration = generation;
            pending.addAll(added);
            if (newPixels != null) {
                pendingPixels = newPixels;
            }
            turnRunning = false;
            lastUsed = System.nanoTime();
            free.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The turn failed: its part of the KV cache is cut off again (or the cache dropped when its
     * device group is gone). The session stays held by the unit of work until it completes.
     */
    public void turnFailed(int[] idsBeforeTurn, Sequence used, long generation, boolean deviceGone) {
        lock.lock();
        try {
            if (deviceGone) {
                replaceSequence(null);
                release(used);                      // a new one the turn made (the old group's, useless)
            } else if (used != null) {
                replaceSequence(used);
                sequenceGeneration = generation;
                cutBack(idsBeforeTurn, generation);
            }
            turnRunning = false;
            free.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void commit(UnitOfWork uow) {
        lock.lock();
        try {
            if (holder != uow) {
                return;
            }
            history.addAll(pending);
            if (pendingPixels != null) {
                pixels = pendingPixels;
            }
            release();
        } finally {
            lock.unlock();
        }
    }

    void rollback(UnitOfWork uow) {
        lock.lock();
        try {
            if (holder != uow) {
                return;
            }
            cutBack(idsAtHold, generationAtHold);
            release();
        } finally {
            lock.unlock();
        }
    }

    /** Sets the session's sequence; one it replaces is dropped, so its KV cache is freed now. */
    private void replaceSequence(Sequence next) {
        Sequence old = sequence;
        sequence = next;
        if (old != null && old != next) {
            old.release();
        }
    }

    private static void release(Sequence s) {
        if (s != null) {
            s.release();
        }
    }

    private void release() {
        pending.clear();
        pendingPixels = null;
        idsAtHold = null;
        holder = null;
        free.signalAll();
    }

    /**
     * Back to the ids held before (their longest common prefix with what the cache holds now,
     * since a turn may have replaced a differing tail); a cache that did not exist before, or
     * belongs to a replaced device group, is released.
     */
    private void cutBack(int[] before, long generationBefore) {
        if (sequence == null) {
            return;
        }
        Glm4vModel model = context.modelIfLoaded();
        if (before == null || generationBefore != sequenceGeneration || model == null
                || context.generation() != sequenceGeneration) {
            replaceSequence(null);
            return;
        }
        int[] now = sequence.consumedIds();
        int k = 0;
        while (k < before.length && k < now.length && before[k] == now[k]) {
            k++;
        }
        try {
            model.truncate(sequence, k);
        } catch (EngineException e) {        // the group was replaced meanwhile: the cache is useless anyway
            RaLog.fine(RaLog.SESSION_ROLLBACK_DROPPED_KV, "session " + id + ": " + e.getMessage());
            replaceSequence(null);
        }
    }

    /** The committed turns, oldest first. */
    public List<ChatMessage> history() {
        lock.lock();
        try {
            return List.copyOf(history);
        } finally {
            lock.unlock();
        }
    }

    public boolean hasCommittedImage() {
        lock.lock();
        try {
            return pixels != null;
        } finally {
            lock.unlock();
        }
    }

    /** KV cache bytes held now (all cards). */
    public long kvBytes() {
        Sequence s;
        lock.lock();
        try {
            s = sequence;
        } finally {
            lock.unlock();
        }
        return s == null ? 0 : s.kvBytes();
    }

    /** Ids in the KV cache now (tests and diagnostics). */
    public int[] cachedIds() {
        lock.lock();
        try {
            return sequence == null ? new int[0] : sequence.consumedIds();
        } finally {
            lock.unlock();
        }
    }

    /** Drops the KV cache when nobody holds the session; returns the bytes freed. */
    long evictKvIfIdle() {
        if (!lock.tryLock()) {
            return 0;
        }
        try {
            if (holder != null || turnRunning || sequence == null) {
                return 0;
            }
            long b = sequence.kvBytes();
            replaceSequence(null);
            return b;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the session, waiting (bounded) for a unit of work that holds it; the holder itself
     * may close it, which discards its pending turns.
     */
    void close(UnitOfWork caller, long deadlineNanos) {
        lock.lock();
        try {
            while (!closed && ((holder != null && holder != caller) || turnRunning)) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    throw new InferenceException(Code.TIMEOUT, "session " + id + " is held by an open transaction; "
                            + "close it after that transaction ends", 1, null);
                }
                free.awaitNanos(left);
            }
            closed = true;
            replaceSequence(null);
            history.clear();
            release();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errors.unavailable("interrupted while closing session " + id, null);
        } finally {
            lock.unlock();
        }
    }
}
