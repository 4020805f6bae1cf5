package io.glm4vee.ra.spi;

import io.glm4vee.ra.api.InferenceConnection;
import io.glm4vee.ra.api.InferenceConnectionFactory;
import io.glm4vee.ra.context.AdapterRuntime;
import io.glm4vee.ra.context.DeviceContext;
import io.glm4vee.ra.context.RaLog;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionDefinition;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.ValidatingManagedConnectionFactory;

import javax.security.auth.Subject;
import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Creates the pooled ManagedConnections: each is a lease on the device context with the fewest
 * leases and the least load. The server sizes the pool (server.xml connectionManager, admin
 * console). matchManagedConnections hands out a free connection whose context is in service,
 * least loaded first; getInvalidConnections reports connections whose context failed or
 * stopped, so the server replaces them.
 *
 * <p>Without an application server, {@link #createConnectionFactory()} uses a small built-in
 * connection manager (tests, CLIs).
 */
@ConnectionDefinition(connectionFactory = InferenceConnectionFactory.class,
        connectionFactoryImpl = InferenceConnectionFactoryImpl.class,
        connection = InferenceConnection.class,
        connectionImpl = InferenceConnectionImpl.class)
public class Glm4vManagedConnectionFactory implements ManagedConnectionFactory, ResourceAdapterAssociation,
        ValidatingManagedConnectionFactory, TransactionSupport {
    private static final long serialVersionUID = 1L;

    private transient Glm4vResourceAdapter adapter;
    private transient PrintWriter logWriter;

    @Override
    public Object createConnectionFactory(ConnectionManager cm) throws ResourceException {
        return new InferenceConnectionFactoryImpl(this, cm);
    }

    /** Non-managed use: connections come from a small pool of this factory's own. */
    @Override
    public Object createConnectionFactory() throws ResourceException {
        return new InferenceConnectionFactoryImpl(this, new SimpleConnectionManager());
    }

    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo info)
            throws ResourceException {
        AdapterRuntime rt = runtime();
        DeviceContext lease;
        try {
            lease = rt.pool().forLease();
        } catch (RuntimeException e) {        // no context will serve: the server reports a failed getConnection
            throw new ResourceException(e.getMessage(), e);
        }
        return new Glm4vManagedConnection(this, rt, lease);
    }

    @Override
    @SuppressWarnings("rawtypes")          // the JCA signature uses a raw Set
    public ManagedConnection matchManagedConnections(Set connections, Subject subject, ConnectionRequestInfo info) {
        Glm4vManagedConnection best = null;
        for (Object o : connections) {
            if (o instanceof Glm4vManagedConnection mc && mc.factory() == this && mc.isUsable()) {
                if (best == null || mc.lease().load() < best.lease().load()) {
                    best = mc;
                }
            }
        }
        return best;
    }

    @Override
    @SuppressWarnings("rawtypes")          // the JCA signature uses a raw Set
    public Set getInvalidConnections(Set connections) {
        Set<Object> invalid = new HashSet<>();
        for (Object o : connections) {
            if (o instanceof Glm4vManagedConnection mc && !mc.isUsable()) {
                invalid.add(mc);
                RaLog.fine(RaLog.CONNECTION_ERROR, "connection on " + mc.lease().id() + " is invalid ("
                        + mc.lease().state() + ")");
            }
        }
        return invalid;
    }

    AdapterRuntime runtime() throws ResourceException {
        if (adapter == null) {
            throw new ResourceException("the managed connection factory is not associated with a glm4v resource "
                    + "adapter (setResourceAdapter was not called)");
        }
        return adapter.runtime();
    }

    TransactionBranches branches() {
        return adapter.branches();
    }

    @Override
    public TransactionSupportLevel getTransactionSupport() {
        return TransactionSupportLevel.XATransaction;
    }

    @Override
    public ResourceAdapter getResourceAdapter() {
        return adapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter ra) throws ResourceException {
        if (!(ra instanceof Glm4vResourceAdapter g)) {
            throw new ResourceException("expected a " + Glm4vResourceAdapter.class.getName() + ", got " + ra);
        }
        if (adapter != null && adapter != g) {
            throw new jakarta.resource.spi.IllegalStateException("this factory is already associated with an adapter");
        }
        adapter = g;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        logWriter = out;
    }

    /** Factories are equal when they serve the same adapter: this factory has no properties of its own. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Glm4vManagedConnectionFactory f && f.getClass() == getClass() && f.adapter == adapter;
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(adapter == null ? null : System.identityHashCode(adapter));
    }
}
