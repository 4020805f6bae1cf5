package io.glm4vee.ejb.remote;

import io.glm4vee.ra.api.ChatResponse;

import java.io.Serial;
import java.io.Serializable;

/** A {@link ChatResponse} for the remote view. */
public final class RemoteChatResponse implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String text;
    private final String finishReason;
    private final int promptTokens;
    private final int completionTokens;
    private final String session;
    private final String context;

    public RemoteChatResponse(String text, String finishReason, int promptTokens, int completionTokens, String session,
                              String context) {
        this.text = text;
        this.finishReason = finishReason;
        this.promptTokens = promptTokens;
        this.completionTokens = completionTokens;
        this.session = session;
        this.context = context;
    }

    public static RemoteChatResponse of(ChatResponse r) {
        return r == null ? null : new RemoteChatResponse(r.text(), r.finishReason(), r.promptTokens(),
                r.completionTokens(), r.session(), r.context());
    }

    public ChatResponse toResponse() {
        return new ChatResponse(text, finishReason, promptTokens, completionTokens, session, context);
    }

    public String text() {
        return text;
    }

    public String finishReason() {
        return finishReason;
    }

    public int promptTokens() {
        return promptTokens;
    }

    public int completionTokens() {
        return completionTokens;
    }

    public String session() {
        return session;
    }

    public String context() {
        return context;
    }
}
