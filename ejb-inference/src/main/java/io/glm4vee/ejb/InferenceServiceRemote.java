package io.glm4vee.ejb;

import io.glm4vee.ejb.remote.RemoteChatRequest;
import io.glm4vee.ejb.remote.RemoteChatResponse;
import io.glm4vee.ejb.remote.RemoteContext;
import io.glm4vee.ejb.remote.RemoteDevice;
import io.glm4vee.ejb.remote.RemoteJobStatus;
import io.glm4vee.ejb.remote.RemoteMessage;
import io.glm4vee.ejb.remote.RemoteUsage;

import java.util.List;
import java.util.concurrent.Future;

/**
 * The remote view (RMI-IIOP on Open Liberty's enterpriseBeansRemote-4.0), implemented by
 * {@link RemoteInferenceService}: the operations of {@link InferenceServiceLocal} except
 * streaming (a callback cannot be sent by value), in plain Serializable types of
 * {@link io.glm4vee.ejb.remote} (Liberty's ORB cannot marshal the client API's records). Same
 * roles, transaction attributes and caller rule; failures arrive as InferenceException with
 * its code and message but without engine-internal causes, whose classes a remote client lacks.
 */
public interface InferenceServiceRemote {

    RemoteChatResponse chat(RemoteChatRequest request);

    Future<RemoteChatResponse> chatAsync(RemoteChatRequest request);

    String openSession();

    void closeSession(String sessionId);

    List<RemoteMessage> history(String sessionId);

    RemoteJobStatus submit(RemoteChatRequest request);

    RemoteJobStatus job(String jobId);

    RemoteUsage usage();

    List<RemoteDevice> devices();

    List<RemoteContext> contexts();

    void drain(String contextId);

    void rebuild(String contextId);
}
