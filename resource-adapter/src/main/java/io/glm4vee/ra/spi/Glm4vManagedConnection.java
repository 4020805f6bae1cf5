package io.glm4vee.ra.spi;

import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.ContextInfo;
import io.glm4vee.ra.api.DeviceInfo;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.JobStatus;
import io.glm4vee.ra.api.MetricsSnapshot;
import io.glm4vee.ra.api.TokenStream;
import io.glm4vee.ra.api.UsageReport;
import io.glm4vee.ra.context.AdapterRuntime;
import io.glm4vee.ra.context.ContextState;
import io.glm4vee.ra.context.DeviceContext;
import io.glm4vee.ra.context.RaLog;
import io.glm4vee.ra.context.UnitOfWork;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;

import javax.security.auth.Subject;
import javax.transaction.xa.XAResource;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A pooled lease on one device context. Its handles ({@link InferenceConnectionImpl}) call in
 * here; work runs in the connection's current transaction (a local one, or the XA branch it is
 * associated with) or, without one, commits by itself. A card failure under one of its requests
 * fires CONNECTION_ERROR_OCCURRED, after which the server destroys it; connections whose context
 * is out of service are reported by getInvalidConnections.
 */
public class Glm4vManagedConnection implements ManagedConnection {
    private final Glm4vManagedConnectionFactory factory;
    private final AdapterRuntime runtime;
    private final DeviceContext lease;
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<InferenceConnectionImpl> handles = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean destroyed = new AtomicBoolean();
    private final Glm4vLocalTransaction localTransaction = new Glm4vLocalTransaction(this);
    private final Glm4vXAResource xaResource;
    private volatile boolean broken;
    private volatile UnitOfWork localWork;
    private volatile UnitOfWork xaWork;
    private PrintWriter logWriter;

    Glm4vManagedConnection(Glm4vManagedConnectionFactory factory, AdapterRuntime runtime, DeviceContext lease) {
        this.factory = factory;
        this.runtime = runtime;
        this.lease = lease;
        this.xaResource = new Glm4vXAResource(this, factory.branches());
        lease.addLease(1);
    }

    Glm4vManagedConnectionFactory factory() {
        return factory;
    }

    /** The context this connection is a lease on. */
    public DeviceContext lease() {
        return lease;
    }

    /** Not destroyed, no card failure reported through it, and its context in service (or loading). */
    boolean isUsable() {
        ContextState s = lease.state();
        return !destroyed.get() && !broken && !runtime.isStopped()
                && (s == ContextState.READY || s == ContextState.LOADING);
    }

    // ---------------------------------------------------------------- ManagedConnection

    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        checkNotDestroyed();
        InferenceConnectionImpl h = new InferenceConnectionImpl(this);
        handles.add(h);
        return h;
    }

    @Override
    public void associateConnection(Object connection) throws ResourceException {
        checkNotDestroyed();
        if (!(connection instanceof InferenceConnectionImpl h)) {
            throw new ResourceException("not a glm4v connection handle: " + connection);
        }
        Glm4vManagedConnection old = h.associate(this);
        if (old != null && old != this) {
            old.handles.remove(h);
        }
        handles.add(h);
    }

    /** Back to the pool: handles become invalid; the transaction (if any) is the server's business. */
    @Override
    public void cleanup() throws ResourceException {
        for (InferenceConnectionImpl h : handles) {
            h.invalidate();
        }
        handles.clear();
    }

    /** Idempotent. An unfinished local transaction is rolled back. */
    @Override
    public void destroy() {
        if (!destroyed.compareAndSet(false, true)) {
            return;
        }
        for (InferenceConnectionImpl h : handles) {
            h.invalidate();
        }
        handles.clear();
        UnitOfWork w = localWork;
        localWork = null;
        if (w != null) {
            w.rollback();
        }
        xaWork = null;
        lease.addLease(-1);
    }

    private void checkNotDestroyed() throws ResourceException {
        if (destroyed.get()) {
            throw new jakarta.resource.spi.IllegalStateException("this managed connection was destroyed");
        }
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener l) {
        listeners.add(l);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener l) {
        listeners.remove(l);
    }

    @Override
    public XAResource getXAResource() {
        return xaResource;
    }

    @Override
    public LocalTransaction getLocalTransaction() {
        return localTransaction;
    }

    @Override
    public ManagedConnectionMetaData getMetaData() {
        return new Glm4vManagedConnectionMetaData(runtime.settings().modelPath());
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    // ---------------------------------------------------------------- transactions

    UnitOfWork localWork() {
        return localWork;
    }

    void setLocalWork(UnitOfWork w) {
        localWork = w;
    }

    UnitOfWork xaWork() {
        return xaWork;
    }

    void setXaWork(UnitOfWork w) {
        xaWork = w;
    }

    /** The transaction calls join now, or null: each call commits by itself. */
    private UnitOfWork current() {
        UnitOfWork x = xaWork;
        return x != null ? x : localWork;
    }

    // ---------------------------------------------------------------- calls from handles

    ChatResponse chat(InferenceConnectionImpl h, ChatRequest request, TokenStream stream) {
        return runtime.chat(request, stream, current(), lease, e -> deviceFailed(h, e), null);
    }

    String openSession(String caller) {
        return runtime.openSession(caller, lease);
    }

    void closeSession(String id) {
        runtime.closeSession(id, current());
    }

    List<ChatMessage> sessionHistory(String id) {
        return runtime.sessionHistory(id);
    }

    JobStatus submit(ChatRequest request) {
        return runtime.submit(request, current());
    }

    JobStatus job(String id) {
        return runtime.job(id);
    }

    UsageReport usage(String caller) {
        return runtime.usage(caller);
    }

    List<DeviceInfo> devices() {
        return runtime.devices();
    }

    List<ContextInfo> contexts() {
        return runtime.contexts();
    }

    MetricsSnapshot metrics() {
        return runtime.metrics();
    }

    java.util.Map<String, String> settings() {
        return runtime.settings().asMap();
    }

    void drain(String contextId) {
        runtime.drain(contextId);
    }

    void rebuild(String contextId) {
        runtime.rebuild(contextId);
    }

    boolean isDestroyed() {
        return destroyed.get();
    }

    void handleClosed(InferenceConnectionImpl h) {
        handles.remove(h);
        ConnectionEvent ev = new ConnectionEvent(this, ConnectionEvent.CONNECTION_CLOSED);
        ev.setConnectionHandle(h);
        for (ConnectionEventListener l : listeners) {
            l.connectionClosed(ev);
        }
    }

    /** A card of the leased context failed under a request of this connection. */
    private void deviceFailed(InferenceConnectionImpl h, InferenceException e) {
        broken = true;
        RaLog.warn(RaLog.CONNECTION_ERROR, "connection on " + lease.id() + " reports CONNECTION_ERROR_OCCURRED: "
                + e.getMessage());
        ConnectionEvent ev = new ConnectionEvent(this, ConnectionEvent.CONNECTION_ERROR_OCCURRED, e);
        ev.setConnectionHandle(h);
        for (ConnectionEventListener l : listeners) {
            l.connectionErrorOccurred(ev);
        }
    }
}
