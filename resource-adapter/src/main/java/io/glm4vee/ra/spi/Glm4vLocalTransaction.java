package io.glm4vee.ra.spi;

import io.glm4vee.ra.context.UnitOfWork;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.LocalTransactionException;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A resource-local transaction on one connection, demarcated by the server (or a test). Work
 * between begin and commit joins one unit of work: session turns, token usage and deferred jobs
 * take effect on commit and vanish on rollback.
 */
public class Glm4vLocalTransaction implements LocalTransaction {
    private static final AtomicLong COUNTER = new AtomicLong();

    private final Glm4vManagedConnection mc;

    Glm4vLocalTransaction(Glm4vManagedConnection mc) {
        this.mc = mc;
    }

    @Override
    public void begin() throws ResourceException {
        if (mc.isDestroyed()) {
            throw new LocalTransactionException("the connection was destroyed");
        }
        if (mc.localWork() != null) {
            throw new LocalTransactionException("a local transaction is already active on this connection");
        }
        if (mc.xaWork() != null) {
            throw new LocalTransactionException("this connection is enlisted in an XA transaction");
        }
        mc.setLocalWork(new UnitOfWork("local-" + COUNTER.incrementAndGet()));
    }

    @Override
    public void commit() throws ResourceException {
        UnitOfWork w = take();
        if (w.isRollbackOnly()) {
            w.rollback();
            throw new LocalTransactionException("transaction " + w.name() + " was marked rollback-only; rolled back");
        }
        w.commit();
    }

    @Override
    public void rollback() throws ResourceException {
        take().rollback();
    }

    private UnitOfWork take() throws LocalTransactionException {
        UnitOfWork w = mc.localWork();
        if (w == null) {
            throw new LocalTransactionException("no local transaction is active on this connection");
        }
        mc.setLocalWork(null);
        return w;
    }
}
