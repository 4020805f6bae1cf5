package io.glm4vee.ra.spi;

import io.glm4vee.ra.context.RaLog;
import io.glm4vee.ra.context.UnitOfWork;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * XA for one connection; the branches themselves live in the adapter ({@link TransactionBranches})
 * so any connection of the same adapter may join them. The adapter's state is in memory, so
 * prepare cannot fail for lack of resources: it votes XA_OK (XA_RDONLY when the branch did
 * nothing) and commit applies the effects. Nothing survives a crash, so recover() is empty.
 */
public class Glm4vXAResource implements XAResource {
    private final Glm4vManagedConnection mc;
    private final TransactionBranches branches;

    Glm4vXAResource(Glm4vManagedConnection mc, TransactionBranches branches) {
        this.mc = mc;
        this.branches = branches;
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        if (mc.localWork() != null) {
            throw error(XAException.XAER_PROTO, "a local transaction is active on this connection");
        }
        UnitOfWork w;
        if ((flags & (TMJOIN | TMRESUME)) != 0) {
            w = branches.get(xid);
            if (w == null) {
                throw error(XAException.XAER_NOTA, "unknown branch to join or resume");
            }
        } else {
            w = branches.create(xid);
            if (w == null) {
                throw error(XAException.XAER_DUPID, "branch already exists");
            }
        }
        if (mc.xaWork() != null && mc.xaWork() != w) {
            throw error(XAException.XAER_PROTO, "the connection is associated with another branch");
        }
        mc.setXaWork(w);
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        UnitOfWork w = branch(xid);
        if ((flags & TMFAIL) != 0) {
            w.setRollbackOnly();
        }
        if (mc.xaWork() == w) {
            mc.setXaWork(null);
        }
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        UnitOfWork w = branch(xid);
        if (w.isRollbackOnly()) {
            branches.remove(xid);
            w.rollback();
            throw error(XAException.XA_RBROLLBACK, "branch was marked rollback-only; rolled back");
        }
        if (w.isEmpty()) {
            branches.remove(xid);
            w.commit();
            return XA_RDONLY;
        }
        w.prepare();
        return XA_OK;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        UnitOfWork w = branch(xid);
        if (onePhase && w.isRollbackOnly()) {
            branches.remove(xid);
            w.rollback();
            throw error(XAException.XA_RBROLLBACK, "branch was marked rollback-only; rolled back");
        }
        if (!onePhase && w.status() != UnitOfWork.Status.PREPARED) {
            throw error(XAException.XAER_PROTO, "two-phase commit of a branch that was not prepared");
        }
        branches.remove(xid);
        w.commit();
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        UnitOfWork w = branch(xid);
        branches.remove(xid);
        w.rollback();
    }

    @Override
    public void forget(Xid xid) throws XAException {
        branches.remove(xid);
    }

    @Override
    public Xid[] recover(int flag) {
        return new Xid[0];
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other instanceof Glm4vXAResource x && x.branches == branches;
    }

    /** Branches are short and the transaction manager enforces its own timeout. */
    @Override
    public boolean setTransactionTimeout(int seconds) {
        return false;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    private UnitOfWork branch(Xid xid) throws XAException {
        UnitOfWork w = branches.get(xid);
        if (w == null) {
            throw error(XAException.XAER_NOTA, "unknown branch");
        }
        return w;
    }

    private static XAException error(int code, String message) {
        XAException e = new XAException("glm4v: " + message + " (XA error " + code + ")");
        e.errorCode = code;
        RaLog.fine(RaLog.TX_STATE, e.getMessage());
        return e;
    }
}
