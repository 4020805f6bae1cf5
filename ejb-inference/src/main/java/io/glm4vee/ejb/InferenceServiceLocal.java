package io.glm4vee.ejb;

import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.ContextInfo;
import io.glm4vee.ra.api.DeviceInfo;
import io.glm4vee.ra.api.JobStatus;
import io.glm4vee.ra.api.TokenStream;
import io.glm4vee.ra.api.UsageReport;

import java.util.List;
import java.util.concurrent.Future;

/**
 * The local view of {@link InferenceService}, in the client API's types.
 *
 * <p>The caller is always the authenticated principal: the {@code caller} of a request passed
 * in is replaced by it. Failures are {@link io.glm4vee.ra.api.InferenceException}s with a
 * stable code; they reach the caller unwrapped (an application exception, see ejb-jar.xml)
 * and leave the caller's transaction to the caller, except INTERNAL and DEVICE_FAILED, which
 * mark it for rollback because the state they leave behind is unknown.
 */
public interface InferenceServiceLocal {

    /** Generates an answer. Joins the caller's transaction: a session turn and the tokens used take effect on its commit. */
    ChatResponse chat(ChatRequest request);

    /** Generates an answer, handing each piece of text to stream as it is produced; joins the caller's transaction. */
    ChatResponse chat(ChatRequest request, TokenStream stream);

    /**
     * Generates an answer on another thread. The caller's transaction does not travel to it
     * (EJB rule for asynchronous methods): the call runs in, and commits, its own transaction.
     */
    Future<ChatResponse> chatAsync(ChatRequest request);

    /** Opens a chat session for the caller and returns its id. */
    String openSession();

    void closeSession(String sessionId);

    /** The committed turns of a session, oldest first. */
    List<ChatMessage> history(String sessionId);

    /** Submits a deferred job; inside a transaction it starts only after commit and a rollback cancels it. */
    JobStatus submit(ChatRequest request);

    JobStatus job(String jobId);

    /** The caller's own token usage. */
    UsageReport usage();

    List<DeviceInfo> devices();

    List<ContextInfo> contexts();

    /** The resource adapter's settings in effect, by property name (see InferenceConnection.settings()). */
    java.util.Map<String, String> settings();

    /** inference-admin only: stops giving work to a context and waits for its work to finish. */
    void drain(String contextId);

    /** inference-admin only: replaces a context's cards and model replica. */
    void rebuild(String contextId);
}
