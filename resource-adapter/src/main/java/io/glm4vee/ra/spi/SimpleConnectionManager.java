package io.glm4vee.ra.spi;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The connection manager of non-managed use (tests, CLIs): a small pool of idle managed
 * connections picked by matchManagedConnections, returned on CONNECTION_CLOSED and destroyed
 * on CONNECTION_ERROR_OCCURRED. No transactions: every call commits by itself.
 */
final class SimpleConnectionManager implements ConnectionManager, ConnectionEventListener {
    private static final long serialVersionUID = 1L;
    private static final int MAX_IDLE = 8;

    private transient List<ManagedConnection> idle;      // guarded by this; rebuilt empty after deserialisation

    private synchronized List<ManagedConnection> idle() {
        if (idle == null) {
            idle = new ArrayList<>();
        }
        return idle;
    }

    @Override
    public Object allocateConnection(ManagedConnectionFactory mcf, ConnectionRequestInfo info)
            throws ResourceException {
        ManagedConnection mc;
        synchronized (this) {
            Set<ManagedConnection> candidates = new HashSet<>(idle());
            Set<?> invalid = mcf instanceof Glm4vManagedConnectionFactory g ? g.getInvalidConnections(candidates)
                    : Set.of();
            for (Object o : invalid) {
                idle().remove(o);
                candidates.remove(o);
                ((ManagedConnection) o).destroy();
            }
            mc = candidates.isEmpty() ? null : mcf.matchManagedConnections(candidates, null, info);
            if (mc != null) {
                idle().remove(mc);
            }
        }
        if (mc == null) {
            mc = mcf.createManagedConnection(null, info);
            mc.addConnectionEventListener(this);
        }
        return mc.getConnection(null, info);
    }

    @Override
    public void connectionClosed(ConnectionEvent event) {
        ManagedConnection mc = (ManagedConnection) event.getSource();
        try {
            mc.cleanup();
        } catch (ResourceException e) {
            destroyQuietly(mc);
            return;
        }
        boolean keep;
        synchronized (this) {
            keep = idle().size() < MAX_IDLE && !idle().contains(mc);
            if (keep) {
                idle().add(mc);
            }
        }
        if (!keep) {
            destroyQuietly(mc);
        }
    }

    @Override
    public void connectionErrorOccurred(ConnectionEvent event) {
        ManagedConnection mc = (ManagedConnection) event.getSource();
        synchronized (this) {
            idle().remove(mc);
        }
        destroyQuietly(mc);
    }

    private static void destroyQuietly(ManagedConnection mc) {
        try {
            mc.destroy();
        } catch (ResourceException e) {
            io.glm4vee.ra.context.RaLog.warn(io.glm4vee.ra.context.RaLog.CONNECTION_ERROR,
                    "destroying a connection failed: " + e.getMessage());
        }
    }

    @Override
    public void localTransactionStarted(ConnectionEvent event) {
        // the built-in manager does not demarcate transactions
    }

    @Override
    public void localTransactionCommitted(ConnectionEvent event) {
        // the built-in manager does not demarcate transactions
    }

    @Override
    public void localTransactionRolledback(ConnectionEvent event) {
        // the built-in manager does not demarcate transactions
    }
}
