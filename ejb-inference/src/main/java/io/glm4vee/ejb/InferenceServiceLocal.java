package io.glm4vee.ejb;

import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.ChatResponse;
import io.glm4vee.ra.api.TokenStream;

/** The local view: everything of the remote one, plus streaming (a callback cannot be sent by value). */
public interface InferenceServiceLocal extends InferenceOperations {

    /** Generates an answer, handing each piece of text to stream as it is produced; joins the caller's transaction. */
    ChatResponse chat(ChatRequest request, TokenStream stream);
}
