package io.glm4vee.ra.spi;

import io.glm4vee.ra.api.InferenceConnection;
import io.glm4vee.ra.api.InferenceConnectionFactory;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;

import javax.naming.Reference;

/** What applications inject; connections come from the server's pool (or the built-in one). */
public class InferenceConnectionFactoryImpl implements InferenceConnectionFactory {
    private static final long serialVersionUID = 1L;

    private final Glm4vManagedConnectionFactory mcf;
    private final ConnectionManager cm;
    private Reference reference;

    InferenceConnectionFactoryImpl(Glm4vManagedConnectionFactory mcf, ConnectionManager cm) {
        this.mcf = mcf;
        this.cm = cm;
    }

    @Override
    public InferenceConnection getConnection() {
        try {
            return (InferenceConnection) cm.allocateConnection(mcf, null);
        } catch (ResourceException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof InferenceException ie) {
                    throw new InferenceException(ie.code(), ie.getMessage(), ie.retryAfterSeconds(), e);
                }
            }
            throw new InferenceException(Code.UNAVAILABLE, "no glm4v connection is available: " + e.getMessage(), 1, e);
        }
    }

    @Override
    public void setReference(Reference reference) {
        this.reference = reference;
    }

    @Override
    public Reference getReference() {
        return reference;
    }
}
