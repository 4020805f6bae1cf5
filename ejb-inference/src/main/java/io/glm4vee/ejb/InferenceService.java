package io.glm4vee.ejb;

import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.ContextInfo;
import io.glm4vee.ra.api.DeviceInfo;
import io.glm4vee.ra.api.InferenceConnection;
import io.glm4vee.ra.api.InferenceConnectionFactory;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.JobStatus;
import io.glm4vee.ra.api.TokenStream;
import io.glm4vee.ra.api.UsageReport;
import jakarta.annotation.Resource;
import jakarta.annotation.security.DeclareRoles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.AsyncResult;
import jakarta.ejb.Asynchronous;
import jakarta.ejb.Local;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import org.eclipse.microprofile.metrics.annotation.Timed;

import java.security.Principal;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * GLM-4V inference as an enterprise service. Each method leases one connection (a device
 * context) from the resource adapter's pool, uses it and closes it; the container enlists the
 * connection in the method's transaction, so the adapter's rules apply: session turns, token
 * usage and deferred jobs take effect on commit and vanish on rollback, and without a caller
 * transaction each call commits by itself.
 *
 * <p>The remote view is {@link RemoteInferenceService}, which delegates here.
 *
 * <p>Transaction attributes: calls that change state (chat, submit, sessions) are REQUIRED and
 * join the caller's transaction; reads are SUPPORTS; drain and rebuild are NOT_SUPPORTED (they
 * wait for running work, which must not hold a caller's transaction open).
 */
@Stateless
@Local(InferenceServiceLocal.class)
@DeclareRoles({Roles.USER, Roles.ADMIN})
@RolesAllowed({Roles.USER, Roles.ADMIN})
@TransactionAttribute(TransactionAttributeType.REQUIRED)
public class InferenceService implements InferenceServiceLocal {

    private static final Logger LOG = Logger.getLogger(InferenceService.class.getName());

    /** The caller name used for unauthenticated requests (Liberty says UNAUTHENTICATED, Payara ANONYMOUS). */
    public static final String ANONYMOUS = "anonymous";

    @Resource(lookup = "eis/glm4v")
    InferenceConnectionFactory factory;

    @Resource
    SessionContext context;

    @Resource
    TransactionSynchronizationRegistry transactions;

    @Inject
    InferenceMetrics metrics;

    @Override
    @Timed(name = "glm4v.inference.chat", absolute = true, description = "synchronous chat calls")
    public ChatResponse chat(ChatRequest request) {
        ChatRequest own = asCaller(request);
        return answered(withConnection(c -> c.chat(own)));
    }

    @Override
    @Timed(name = "glm4v.inference.chat.stream", absolute = true, description = "streaming chat calls")
    public ChatResponse chat(ChatRequest request, TokenStream stream) {
        if (stream == null) {
            throw new InferenceException(InferenceException.Code.BAD_REQUEST, "stream must not be null");
        }
        ChatRequest own = asCaller(request);
        return answered(withConnection(c -> c.chat(own, stream)));
    }

    @Override
    @Asynchronous
    @Timed(name = "glm4v.inference.chat.async", absolute = true, description = "asynchronous chat calls")
    public Future<ChatResponse> chatAsync(ChatRequest request) {
        ChatRequest own = asCaller(request);
        return new AsyncResult<>(answered(withConnection(c -> c.chat(own))));
    }

    @Override
    public String openSession() {
        String caller = callerName();
        return withConnection(c -> c.openSession(caller));
    }

    @Override
    public void closeSession(String sessionId) {
        String id = requireId("session", sessionId);
        withConnection(c -> {
            c.closeSession(id);
            return null;
        });
    }

    @Override
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<ChatMessage> history(String sessionId) {
        String id = requireId("session", sessionId);
        return withConnection(c -> c.sessionHistory(id));
    }

    @Override
    @Timed(name = "glm4v.inference.submit", absolute = true, description = "deferred job submissions")
    public JobStatus submit(ChatRequest request) {
        ChatRequest own = asCaller(request);
        return withConnection(c -> c.submit(own));
    }

    @Override
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public JobStatus job(String jobId) {
        String id = requireId("job", jobId);
        return withConnection(c -> c.job(id));
    }

    @Override
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public UsageReport usage() {
        String caller = callerName();
        return withConnection(c -> c.usage(caller));
    }

    @Override
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<DeviceInfo> devices() {
        return withConnection(InferenceConnection::devices);
    }

    @Override
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<ContextInfo> contexts() {
        return withConnection(InferenceConnection::contexts);
    }

    @Override
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public java.util.Map<String, String> settings() {
        return withConnection(InferenceConnection::settings);
    }

    @Override
    @RolesAllowed(Roles.ADMIN)
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void drain(String contextId) {
        String id = requireId("context", contextId);
        LOG.info(() -> "GLM4V-EJB-001 " + callerName() + " drains context " + id);
        withConnection(c -> {
            c.drain(id);
            return null;
        });
    }

    @Override
    @RolesAllowed(Roles.ADMIN)
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void rebuild(String contextId) {
        String id = requireId("context", contextId);
        LOG.info(() -> "GLM4V-EJB-002 " + callerName() + " rebuilds context " + id);
        withConnection(c -> {
            c.rebuild(id);
            return null;
        });
    }

    // ---------------------------------------------------------------- callers

    /** The caller's name for quotas and sessions: the principal's name, or "anonymous". */
    String callerName() {
        return callerName(context == null ? null : context.getCallerPrincipal());
    }

    static String callerName(Principal principal) {
        String name = principal == null ? null : principal.getName();
        if (name == null || name.isBlank() || name.equalsIgnoreCase("UNAUTHENTICATED")
                || name.equalsIgnoreCase(ANONYMOUS)) {
            return ANONYMOUS;
        }
        return name;
    }

    /** The request charged to the authenticated caller, whatever caller it named. */
    ChatRequest asCaller(ChatRequest r) {
        if (r == null) {
            throw new InferenceException(InferenceException.Code.BAD_REQUEST, "request must not be null");
        }
        return new ChatRequest(callerName(), r.messages(), r.image(), r.maxTokens(), r.temperature(), r.topP(),
                r.topK(), r.seed(), r.stop(), r.session());
    }

    private static String requireId(String what, String id) {
        if (id == null || id.isBlank()) {
            throw new InferenceException(InferenceException.Code.BAD_REQUEST, what + " id must not be empty");
        }
        return id;
    }

    // ---------------------------------------------------------------- connections and failures

    /** Leases a connection for one unit of work and always closes it. */
    private <T> T withConnection(Function<InferenceConnection, T> work) {
        if (factory == null) {
            throw failed(new InferenceException(InferenceException.Code.UNAVAILABLE,
                    "the connection factory eis/glm4v is not bound (is the resource adapter deployed?)",
                    30, null));
        }
        try (InferenceConnection connection = factory.getConnection()) {
            return work.apply(connection);
        } catch (InferenceException e) {
            throw failed(e);
        } catch (RuntimeException e) {
            // a bug below the client API: log it whole here, hand the caller a stable code
            LOG.log(Level.SEVERE, "GLM4V-EJB-900 unexpected failure in the inference service", e);
            throw failed(new InferenceException(InferenceException.Code.INTERNAL,
                    "internal error in the inference service (" + e.getClass().getSimpleName() + ")", null, e));
        }
    }

    private ChatResponse answered(ChatResponse response) {
        if (metrics != null) {
            metrics.answered(response);
        }
        return response;
    }

    /** Counts the failure and marks the transaction for rollback where the adapter's state is unknown. */
    InferenceException failed(InferenceException e) {
        if (metrics != null) {
            metrics.failed(e);
        }
        if (e.code() == InferenceException.Code.INTERNAL || e.code() == InferenceException.Code.DEVICE_FAILED) {
            markRollbackOnly();
        }
        return e;
    }

    private void markRollbackOnly() {
        if (transactions != null && transactions.getTransactionStatus() == Status.STATUS_ACTIVE) {
            transactions.setRollbackOnly();
        }
    }
}
