package io.glm4vee.ra.api;

import java.io.Serializable;
import java.util.List;

/**
 * One inference request.
 *
 * @param caller      who is charged for the tokens (the authenticated principal)
 * @param messages    the new messages (with a session: only this turn's; the session adds its history)
 * @param image       encoded PNG or JPEG bytes, or null; goes with the message whose image flag is set
 * @param maxTokens   new tokens at most, or null for the adapter's default
 * @param temperature 0 = greedy; null = the model's generation_config
 * @param session     a session id from openSession, or null
 */
public record ChatRequest(String caller, List<ChatMessage> messages, byte[] image, Integer maxTokens,
                          Double temperature, Double topP, Integer topK, Long seed, List<String> stop,
                          String session) implements Serializable {

    /** @throws InferenceException BAD_REQUEST when messages or stop contain null */
    public ChatRequest {
        messages = messages == null ? List.of() : List.copyOf(noNulls("messages", messages));
        stop = stop == null ? List.of() : List.copyOf(noNulls("stop", stop));
    }

    private static <T> List<T> noNulls(String name, List<T> list) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) == null) {
                throw new InferenceException(InferenceException.Code.BAD_REQUEST, name + "[" + i + "] is null");
            }
        }
        return list;
    }

    /** A single user message, greedy, default limits. */
    public static ChatRequest of(String caller, String userText) {
        return new ChatRequest(caller, List.of(new ChatMessage("user", userText)), null, null, null, null, null, null,
                null, null);
    }
}
