package io.glm4vee.web.request;

import io.glm4vee.config.ApiSettings;
import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.web.dto.ChatBody;
import io.glm4vee.web.dto.MessageBody;
import io.glm4vee.web.problem.ProblemCode;
import io.glm4vee.web.problem.ProblemException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Native chat body -> the client API's ChatRequest, refusing what the adapter should never
 * see: no or empty messages, unknown roles, more than one image, an image that is not a PNG or
 * JPEG, values out of range, text over the limit. The caller is left null: the EJB sets it
 * from the authenticated principal.
 */
public final class ChatMapping {

    /** The roles of the GLM-4 chat template. */
    public static final List<String> ROLES = List.of("system", "user", "assistant", "observation");
    private static final Set<String> LAST_ROLES = Set.of("user", "observation");
    static final int MAX_SESSION_ID_CHARS = 200;

    private final ApiSettings settings;
    private final ImageCheck images;

    public ChatMapping(ApiSettings settings) {
        this.settings = settings;
        this.images = new ImageCheck(settings);
    }

    public ImageCheck images() {
        return images;
    }

    public ChatRequest toRequest(ChatBody body) {
        if (body == null) {
            throw new ProblemException(ProblemCode.MALFORMED_JSON, "the body is empty; send a JSON object with \"messages\"");
        }
        List<MessageBody> in = body.messages();
        if (in == null || in.isEmpty()) {
            throw new ProblemException(ProblemCode.EMPTY_MESSAGES, "messages: send at least one message");
        }
        if (in.size() > settings.maxMessages()) {
            throw new ProblemException(ProblemCode.INVALID_FIELD, "messages: at most " + settings.maxMessages()
                    + " messages per request, got " + in.size());
        }
        List<ChatMessage> out = new ArrayList<>(in.size());
        byte[] image = null;
        int imageAt = -1;
        long chars = 0;
        boolean anyText = false;
        for (int i = 0; i < in.size(); i++) {
            String at = "messages[" + i + "]";
            MessageBody m = in.get(i);
            if (m == null) {
                throw new ProblemException(ProblemCode.INVALID_FIELD, at + ": expected a message object, got null");
            }
            String role = m.role();
            if (role == null) {
                throw new ProblemException(ProblemCode.INVALID_FIELD, at + ".role: required (one of "
                        + String.join(", ", ROLES) + ")");
            }
            if (!ROLES.contains(role)) {
                throw new ProblemException(ProblemCode.BAD_ROLE, at + ".role: '" + role + "' is not one of "
                        + String.join(", ", ROLES));
            }
            boolean hasImage = m.image() != null;
            if (hasImage) {
                if (imageAt >= 0) {
                    throw new ProblemException(ProblemCode.TOO_MANY_IMAGES, at + ".image: one image per conversation, and "
                            + "messages[" + imageAt + "] already has one");
                }
                if (!"user".equals(role)) {
                    throw new ProblemException(ProblemCode.INVALID_FIELD, at + ".image: only a user message can carry "
                            + "the image, not a " + role + " message");
                }
                image = images.decodeBase64(m.image(), at + ".image");
                imageAt = i;
            }
            String content = m.content();
            if (content == null) {
                if (!hasImage) {
                    throw new ProblemException(ProblemCode.INVALID_FIELD, at + ".content: required (a string)");
                }
                content = "";
            }
            chars += content.length();
            anyText |= !content.isBlank();
            out.add(new ChatMessage(role, content, hasImage));
        }
        if (chars > settings.maxTextChars()) {
            throw new ProblemException(ProblemCode.PROMPT_TOO_LONG, "the messages hold " + chars
                    + " characters of text, over the limit of " + settings.maxTextChars());
        }
        if (!anyText && image == null) {
            throw new ProblemException(ProblemCode.EMPTY_MESSAGES, "messages: every message is empty");
        }
        String last = out.getLast().role();
        if (!LAST_ROLES.contains(last)) {
            throw new ProblemException(ProblemCode.INVALID_FIELD, "messages[" + (out.size() - 1)
                    + "].role: the last message must be from the user (or an observation), not " + last);
        }
        return build(out, image, body.maxTokens(), body.temperature(), body.topP(), body.seed(), body.session());
    }

    /** Checks the generation options and builds the request (also used by the multipart form). */
    public ChatRequest build(List<ChatMessage> messages, byte[] image, Integer maxTokens, Double temperature,
                             Double topP, Long seed, String session) {
        int tokens = maxTokens == null ? settings.defaultMaxTokens() : maxTokens;
        if (tokens < 1 || tokens > settings.maxNewTokens()) {
            throw new ProblemException(ProblemCode.INVALID_FIELD, "max_tokens: must be between 1 and "
                    + settings.maxNewTokens() + ", got " + maxTokens);
        }
        if (temperature != null && !(temperature >= 0.0 && temperature <= 2.0)) {
            throw new ProblemException(ProblemCode.INVALID_FIELD, "temperature: must be between 0 and 2 "
                    + "(0 = greedy), got " + temperature);
        }
        if (topP != null && !(topP > 0.0 && topP <= 1.0)) {
            throw new ProblemException(ProblemCode.INVALID_FIELD, "top_p: must be greater than 0 and at most 1, got " + topP);
        }
        if (session != null && (session.isBlank() || session.length() > MAX_SESSION_ID_CHARS
                || session.chars().anyMatch(Character::isISOControl))) {
            throw new ProblemException(ProblemCode.INVALID_FIELD, "session: expected an id from POST /api/v1/sessions");
        }
        return new ChatRequest(null, messages, image, tokens, temperature, topP, null, seed, null, session);
    }

    ApiSettings settings() {
        return settings;
    }
}
