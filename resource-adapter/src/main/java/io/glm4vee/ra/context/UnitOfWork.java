package io.glm4vee.ra.context;

import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;

import java.util.ArrayList;
import java.util.List;

/**
 * What one transaction did through the adapter, applied on commit and undone on rollback:
 * session turns (held sessions), token reservations, deferred jobs. Outside a transaction each
 * call gets its own unit of work that completes with the call.
 */
public final class UnitOfWork {
    public enum Status { ACTIVE, PREPARED, COMMITTED, ROLLED_BACK }

    private final String name;
    private final List<ChatSession> sessions = new ArrayList<>();
    private final List<UsageLedger.Reservation> usage = new ArrayList<>();
    private final List<DeferredJobs.Job> jobs = new ArrayList<>();
    private Status status = Status.ACTIVE;
    private boolean rollbackOnly;

    public UnitOfWork(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public synchronized Status status() {
        return status;
    }

    /** @throws InferenceException INTERNAL when the transaction already completed or is being completed */
    public synchronized void checkActive() {
        if (status != Status.ACTIVE) {
            throw new InferenceException(Code.INTERNAL, "transaction " + name + " is " + status
                    + "; no more work can join it");
        }
    }

    synchronized void hold(ChatSession s) {
        checkActive();
        sessions.add(s);
    }

    public synchronized void addUsage(UsageLedger.Reservation r) {
        checkActive();
        usage.add(r);
    }

    public synchronized void addJob(DeferredJobs.Job j) {
        checkActive();
        jobs.add(j);
    }

    public synchronized void setRollbackOnly() {
        rollbackOnly = true;
    }

    public synchronized boolean isRollbackOnly() {
        return rollbackOnly;
    }

    /** Nothing to commit: prepare may vote read-only. */
    public synchronized boolean isEmpty() {
        return sessions.isEmpty() && usage.isEmpty() && jobs.isEmpty();
    }

    /** Phase one: everything is in memory and committing cannot fail, so prepare only records the vote. */
    public synchronized void prepare() {
        checkActive();
        status = Status.PREPARED;
    }

    public void commit() {
        List<ChatSession> s;
        List<UsageLedger.Reservation> u;
        List<DeferredJobs.Job> j;
        synchronized (this) {
            if (status == Status.COMMITTED) {
                return;
            }
            if (status == Status.ROLLED_BACK) {
                throw new InferenceException(Code.INTERNAL, "transaction " + name + " was rolled back");
            }
            status = Status.COMMITTED;
            s = List.copyOf(sessions);
            u = List.copyOf(usage);
            j = List.copyOf(jobs);
        }
        s.forEach(x -> x.commit(this));
        u.forEach(UsageLedger.Reservation::book);
        j.forEach(DeferredJobs.Job::startAfterCommit);   // only now may a deferred job run
    }

    public void rollback() {
        List<ChatSession> s;
        List<UsageLedger.Reservation> u;
        List<DeferredJobs.Job> j;
        synchronized (this) {
            if (status == Status.ROLLED_BACK || status == Status.COMMITTED) {
                return;
            }
            status = Status.ROLLED_BACK;
            s = List.copyOf(sessions);
            u = List.copyOf(usage);
            j = List.copyOf(jobs);
        }
        s.forEach(x -> x.rollback(this));
        u.forEach(UsageLedger.Reservation::release);
        j.forEach(x -> x.cancel("the transaction that submitted it rolled back"));
    }

    @Override
    public String toString() {
        return name;
    }
}
