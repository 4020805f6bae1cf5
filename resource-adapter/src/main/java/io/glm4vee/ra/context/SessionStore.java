package io.glm4vee.ra.context;

import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;

import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every open chat session, and the per-context KV cache budget for them: when a turn needs more
 * than the budget leaves, the KV caches of the least recently used idle sessions of that context
 * are released (their history stays; their next turn recomputes it). A turn that alone needs
 * more than the whole budget is refused.
 */
public final class SessionStore {
    private final ConcurrentHashMap<String, ChatSession> sessions = new ConcurrentHashMap<>();
    private final long budgetBytes;

    public SessionStore(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    public ChatSession open(String caller, DeviceContext context) {
        ChatSession s = new ChatSession("s-" + UUID.randomUUID(), caller, context);
        sessions.put(s.id(), s);
        return s;
    }

    /**
     * The session, checked against the caller (a session of another caller is reported as
     * unknown, so ids cannot be probed). caller null skips the check (admin and history views).
     */
    public ChatSession get(String id, String caller) {
        ChatSession s = id == null ? null : sessions.get(id);
        if (s == null || (caller != null && !s.caller().equals(caller))) {
            throw Errors.notFound("unknown session '" + id + "' (never opened, closed, or opened by another caller)");
        }
        return s;
    }

    public void close(String id, UnitOfWork uow, long deadlineNanos) {
        ChatSession s = get(id, null);
        s.close(uow, deadlineNanos);
        sessions.remove(id, s);
    }

    public int count(DeviceContext context) {
        int n = 0;
        for (ChatSession s : sessions.values()) {
            if (s.context() == context) {
                n++;
            }
        }
        return n;
    }

    public long kvBytes(DeviceContext context) {
        long b = 0;
        for (ChatSession s : sessions.values()) {
            if (s.context() == context) {
                b += s.kvBytes();
            }
        }
        return b;
    }

    /**
     * Makes room for a turn of session that will hold needBytes of KV cache in total.
     *
     * @throws InferenceException TOO_LARGE when needBytes exceeds the budget by itself,
     *                            OVERLOADED when the rest is held by sessions in open transactions
     */
    public void reserveKv(ChatSession session, long needBytes) {
        if (budgetBytes <= 0) {
            return;
        }
        if (needBytes > budgetBytes) {
            throw new InferenceException(Code.TOO_LARGE, "this turn of session " + session.id() + " needs " + needBytes
                    + " bytes of KV cache, more than the whole kvCacheBudgetBytes=" + budgetBytes + " of "
                    + session.context().id() + "; ask for fewer tokens or start a new session");
        }
        DeviceContext ctx = session.context();
        List<ChatSession> others = sessions.values().stream()
                .filter(s -> s.context() == ctx && s != session)
                .sorted(Comparator.comparingLong(ChatSession::lastUsed))
                .toList();
        long used = 0;
        for (ChatSession s : others) {
            used += s.kvBytes();
        }
        for (ChatSession s : others) {
            if (used + needBytes <= budgetBytes) {
                return;
            }
            long freed = s.evictKvIfIdle();
            if (freed > 0) {
                used -= freed;
                RaLog.info(RaLog.SESSION_KV_EVICTED, "released the KV cache (" + freed + " bytes) of idle session "
                        + s.id() + " on " + ctx.id() + " for the kvCacheBudgetBytes=" + budgetBytes
                        + "; its history is kept and recomputed on its next turn");
            }
        }
        if (used + needBytes > budgetBytes) {
            throw new InferenceException(Code.OVERLOADED, "the KV cache budget of " + ctx.id() + " ("
                    + budgetBytes + " bytes) is held by sessions in open transactions; retry after they end", 1, null);
        }
    }

    /** Forgets every session (the adapter stops). */
    public void clear() {
        sessions.clear();
    }
}
