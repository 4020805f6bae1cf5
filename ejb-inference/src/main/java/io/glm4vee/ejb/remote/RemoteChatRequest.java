package io.glm4vee.ejb.remote;

import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** A {@link ChatRequest} for the remote view, without the caller (the server sets it). */
public final class RemoteChatRequest implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final ArrayList<RemoteMessage> messages;
    private final byte[] image;
    private final Integer maxTokens;
    private final Double temperature;
    private final Double topP;
    private final Integer topK;
    private final Long seed;
    private final ArrayList<String> stop;
    private final String session;

    public RemoteChatRequest(List<RemoteMessage> messages, byte[] image, Integer maxTokens, Double temperature,
                             Double topP, Integer topK, Long seed, List<String> stop, String session) {
        this.messages = messages == null ? new ArrayList<>() : new ArrayList<>(messages);
        this.image = image;
        this.maxTokens = maxTokens;
        this.temperature = temperature;
        this.topP = topP;
        this.topK = topK;
        this.seed = seed;
        this.stop = stop == null ? new ArrayList<>() : new ArrayList<>(stop);
        this.session = session;
    }

    /** The request as a remote client builds it: from the client API record (its caller is dropped). */
    public static RemoteChatRequest of(ChatRequest r) {
        return new RemoteChatRequest(RemoteMessage.all(r.messages()), r.image(), r.maxTokens(), r.temperature(),
                r.topP(), r.topK(), r.seed(), r.stop(), r.session());
    }

    /** One user question, optionally about an image (PNG or JPEG bytes). */
    public static RemoteChatRequest ask(String question, byte[] image, Integer maxTokens) {
        return new RemoteChatRequest(List.of(new RemoteMessage("user", question, image != null)), image, maxTokens,
                null, null, null, null, null, null);
    }

    /** The client API request for caller. */
    public ChatRequest toRequest(String caller) {
        List<ChatMessage> m = messages == null ? List.of() : messages.stream().map(RemoteMessage::toMessage).toList();
        return new ChatRequest(caller, m, image, maxTokens, temperature, topP, topK, seed, stop, session);
    }

    public List<RemoteMessage> messages() {
        return List.copyOf(messages);
    }

    public String session() {
        return session;
    }
}
