package io.glm4vee.ra.spi;

import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.ContextInfo;
import io.glm4vee.ra.api.DeviceInfo;
import io.glm4vee.ra.api.InferenceConnection;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;
import io.glm4vee.ra.api.JobStatus;
import io.glm4vee.ra.api.MetricsSnapshot;
import io.glm4vee.ra.api.TokenStream;
import io.glm4vee.ra.api.UsageReport;

import java.util.List;

/**
 * The handle an application holds. Every call checks that the handle is still valid (not closed,
 * its managed connection not cleaned up or destroyed); close() fires CONNECTION_CLOSED so the
 * server returns the managed connection to the pool.
 */
public class InferenceConnectionImpl implements InferenceConnection {
    private volatile Glm4vManagedConnection mc;
    private volatile boolean closed;

    InferenceConnectionImpl(Glm4vManagedConnection mc) {
        this.mc = mc;
    }

    /** Moves the handle to another managed connection (connection sharing); returns the previous one. */
    Glm4vManagedConnection associate(Glm4vManagedConnection to) {
        Glm4vManagedConnection old = mc;
        mc = to;
        return old;
    }

    void invalidate() {
        mc = null;
    }

    private Glm4vManagedConnection mc() {
        if (closed) {
            throw new InferenceException(Code.INTERNAL, "this connection was closed; get a new one from the "
                    + "InferenceConnectionFactory");
        }
        Glm4vManagedConnection m = mc;
        if (m == null || m.isDestroyed()) {
            throw new InferenceException(Code.UNAVAILABLE, "this connection is no longer valid (returned to the pool "
                    + "or destroyed after a device failure); get a new one", 1, null);
        }
        return m;
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        return mc().chat(this, request, null);
    }

    @Override
    public ChatResponse chat(ChatRequest request, TokenStream stream) {
        return mc().chat(this, request, stream);
    }

    @Override
    public String openSession(String caller) {
        return mc().openSession(caller);
    }

    @Override
    public void closeSession(String sessionId) {
        mc().closeSession(sessionId);
    }

    @Override
    public List<ChatMessage> sessionHistory(String sessionId) {
        return mc().sessionHistory(sessionId);
    }

    @Override
    public JobStatus submit(ChatRequest request) {
        return mc().submit(request);
    }

    @Override
    public JobStatus job(String jobId) {
        return mc().job(jobId);
    }

    @Override
    public UsageReport usage(String caller) {
        return mc().usage(caller);
    }

    @Override
    public List<DeviceInfo> devices() {
        return mc().devices();
    }

    @Override
    public List<ContextInfo> contexts() {
        return mc().contexts();
    }

    @Override
    public MetricsSnapshot metrics() {
        return mc().metrics();
    }

    @Override
    public java.util.Map<String, String> settings() {
        return mc().settings();
    }

    @Override
    public void drain(String contextId) {
        mc().drain(contextId);
    }

    @Override
    public void rebuild(String contextId) {
        mc().rebuild(contextId);
    }

    /** Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Glm4vManagedConnection m = mc;
        mc = null;
        if (m != null && !m.isDestroyed()) {
            m.handleClosed(this);
        }
    }
}
