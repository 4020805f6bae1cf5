package io.glm4vee.ejb.remote;

import io.glm4vee.ra.api.ChatMessage;

import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** A {@link ChatMessage} for the remote view. */
public final class RemoteMessage implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String role;
    private final String content;
    private final boolean image;

    public RemoteMessage(String role, String content, boolean image) {
        this.role = role;
        this.content = content;
        this.image = image;
    }

    public static RemoteMessage of(ChatMessage m) {
        return new RemoteMessage(m.role(), m.content(), m.image());
    }

    public ChatMessage toMessage() {
        return new ChatMessage(role, content, image);
    }

    static ArrayList<RemoteMessage> all(List<ChatMessage> messages) {
        ArrayList<RemoteMessage> out = new ArrayList<>(messages.size());
        messages.forEach(m -> out.add(of(m)));
        return out;
    }

    public String role() {
        return role;
    }

    public String content() {
        return content;
    }

    public boolean image() {
        return image;
    }

    @Override
    public String toString() {
        return role + ": " + content + (image ? " [image]" : "");
    }
}
