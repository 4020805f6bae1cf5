package io.glm4vee.ejb;

import io.glm4vee.ejb.remote.RemoteChatRequest;
import io.glm4vee.ejb.remote.RemoteChatResponse;
import io.glm4vee.ejb.remote.RemoteContext;
import io.glm4vee.ejb.remote.RemoteDevice;
import io.glm4vee.ejb.remote.RemoteJobStatus;
import io.glm4vee.ejb.remote.RemoteMessage;
import io.glm4vee.ejb.remote.RemoteUsage;
import io.glm4vee.ra.api.InferenceException;
import jakarta.annotation.security.DeclareRoles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.AsyncResult;
import jakarta.ejb.Asynchronous;
import jakarta.ejb.EJB;
import jakarta.ejb.Remote;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The remote view: converts between the remote types and the client API and delegates to the
 * local {@link InferenceService} (same transaction, same caller principal). It has its own
 * bean because the two views return different types from methods of the same name.
 */
@Stateless
@Remote(InferenceServiceRemote.class)
@DeclareRoles({Roles.USER, Roles.ADMIN})
@RolesAllowed({Roles.USER, Roles.ADMIN})
@TransactionAttribute(TransactionAttributeType.REQUIRED)
public class RemoteInferenceService implements InferenceServiceRemote {

    private static final Logger LOG = Logger.getLogger(RemoteInferenceService.class.getName());

    @EJB
    InferenceServiceLocal local;

    @Override
    public RemoteChatResponse chat(RemoteChatRequest request) {
        return call(() -> RemoteChatResponse.of(local.chat(toRequest(request))));
    }

    @Override
    @Asynchronous
    public Future<RemoteChatResponse> chatAsync(RemoteChatRequest request) {
        return new AsyncResult<>(chat(request));
    }

    @Override
    public String openSession() {
        return call(local::openSession);
    }

    @Override
    public void closeSession(String sessionId) {
        call(() -> {
            local.closeSession(sessionId);
            return null;
        });
    }

    @Override
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<RemoteMessage> history(String sessionId) {
        return call(() -> new ArrayList<>(local.history(sessionId).stream().map(RemoteMessage::of).toList()));
    }

    @Override
    public RemoteJobStatus submit(RemoteChatRequest request) {
        return call(() -> RemoteJobStatus.of(local.submit(toRequest(request))));
    }

    @Override
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public RemoteJobStatus job(String jobId) {
        return call(() -> RemoteJobStatus.of(local.job(jobId)));
    }

    @Override
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public RemoteUsage usage() {
        return call(() -> RemoteUsage.of(local.usage()));
    }

    @Override
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<RemoteDevice> devices() {
        return call(() -> new ArrayList<>(local.devices().stream().map(RemoteDevice::of).toList()));
    }

    @Override
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<RemoteContext> contexts() {
        return call(() -> new ArrayList<>(local.contexts().stream().map(RemoteContext::of).toList()));
    }

    @Override
    @RolesAllowed(Roles.ADMIN)
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void drain(String contextId) {
        call(() -> {
            local.drain(contextId);
            return null;
        });
    }

    @Override
    @RolesAllowed(Roles.ADMIN)
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void rebuild(String contextId) {
        call(() -> {
            local.rebuild(contextId);
            return null;
        });
    }

    private static io.glm4vee.ra.api.ChatRequest toRequest(RemoteChatRequest request) {
        if (request == null) {
            throw new InferenceException(InferenceException.Code.BAD_REQUEST, "request must not be null");
        }
        return request.toRequest(null); // the local bean sets the caller from the principal
    }

    /** Runs a local call; an InferenceException goes back with code and message, its cause stays here. */
    static <T> T call(Supplier<T> work) {
        try {
            return work.get();
        } catch (InferenceException e) {
            if (e.getCause() == null) {
                throw e;
            }
            LOG.log(Level.FINE, "cause of a failure sent to a remote caller", e);
            InferenceException plain = new InferenceException(e.code(), e.getMessage(), e.retryAfterSeconds(), null);
            plain.setStackTrace(e.getStackTrace());
            throw plain;
        }
    }
}
