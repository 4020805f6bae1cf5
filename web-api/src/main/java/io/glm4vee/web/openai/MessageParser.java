package io.glm4vee.web.openai;

import io.glm4vee.config.ApiSettings;
import io.glm4vee.ra.api.ChatMessage;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.util.ArrayList;
import java.util.List;

import static io.glm4vee.web.openai.JsonFields.absentOr;
import static io.glm4vee.web.openai.JsonFields.missing;
import static io.glm4vee.web.openai.JsonFields.string;
import static io.glm4vee.web.openai.JsonFields.wrongType;

/**
 * "messages" -> the client API's messages and the one image. Roles system (developer is the
 * same), user and assistant; content a string or an array of text and image_url parts; one
 * image per conversation, on a user message; the last message from the user; the native API's
 * limits on messages and text.
 */
final class MessageParser {

    static final List<String> MESSAGE_FIELDS = List.of("role", "content", "name", "refusal", "tool_calls",
            "function_call", "audio");

    private final ApiSettings limits;
    private final ImageUrls images;

    MessageParser(ApiSettings limits, ImageUrls images) {
        this.limits = limits;
        this.images = images;
    }

    /** The conversation and its one image (or null). */
    record Conversation(List<ChatMessage> messages, byte[] image) {
    }

    Conversation conversation(JsonObject o) {
        JsonValue v = o.get("messages");
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            throw missing("messages");
        }
        if (!(v instanceof JsonArray list)) {
            throw wrongType("messages", "an array", v);
        }
        if (list.isEmpty()) {
            throw OpenAiException.invalid("messages", "empty_array", "Invalid 'messages': empty array. Expected an "
                    + "array with minimum length 1, but got an empty array instead.");
        }
        if (list.size() > limits.maxMessages()) {
            throw OpenAiException.invalid("messages", "array_above_max_length", "Invalid 'messages': at most "
                    + limits.maxMessages() + " messages per request, got " + list.size() + ".");
        }
        List<ChatMessage> out = new ArrayList<>(list.size());
        ImageHolder image = new ImageHolder();
        long chars = 0;
        boolean anyText = false;
        for (int i = 0; i < list.size(); i++) {
            ChatMessage m = message(list.get(i), "messages[" + i + "]", image);
            chars += m.content().length();
            anyText |= !m.content().isBlank();
            out.add(m);
        }
        if (chars > limits.maxTextChars()) {
            throw OpenAiException.invalid("messages", "context_length_exceeded", "The messages hold " + chars
                    + " characters of text, over this server's limit of " + limits.maxTextChars() + ".");
        }
        if (!anyText && image.bytes == null) {
            throw OpenAiException.invalid("messages", "invalid_value", "Every message is empty: send some text "
                    + "or an image.");
        }
        int last = out.size() - 1;
        if (!"user".equals(out.get(last).role())) {
            throw OpenAiException.invalid("messages[" + last + "].role", "invalid_value", "The last message must be "
                    + "from the user (GLM-4V answers a user turn), not from the " + out.get(last).role() + ".");
        }
        return new Conversation(out, image.bytes);
    }

    /** The one image of the conversation and where it came from. */
    private static final class ImageHolder {
        byte[] bytes;
        String at;
    }

    private ChatMessage message(JsonValue v, String at, ImageHolder image) {
        if (!(v instanceof JsonObject m)) {
            throw wrongType(at, "an object", v);
        }
        String role = string(m, "role", at + ".role");
        if (role == null) {
            throw missing(at + ".role");
        }
        String mapped = switch (role) {
            case "system", "developer" -> "system";
            case "user" -> "user";
            case "assistant" -> "assistant";
            case "tool", "function" -> throw OpenAiException.invalid(at + ".role", "unsupported_value", "Messages "
                    + "with role '" + role + "' are not supported: this server serves GLM-4V without tools.");
            default -> throw OpenAiException.invalid(at + ".role", "invalid_value", "Invalid value: '" + role
                    + "'. Supported values are: 'system', 'developer', 'user' and 'assistant'.");
        };
        for (String key : m.keySet()) {
            if (!MESSAGE_FIELDS.contains(key)) {
                throw OpenAiException.invalid(at + "." + key, "unknown_parameter", "Unrecognized argument: "
                        + at + "." + key);
            }
        }
        string(m, "name", at + ".name"); // accepted, not used: GLM-4's template has no speaker names
        if (!absentOr(m.get("tool_calls"), JsonValue.EMPTY_JSON_ARRAY) || !absentOr(m.get("function_call"), null)
                || !absentOr(m.get("audio"), null)) {
            throw OpenAiException.invalid(at, "unsupported_parameter", "tool_calls, function_call and audio are not "
                    + "supported: this server serves GLM-4V without tools or audio.");
        }
        if (m.containsKey("refusal") && m.get("refusal").getValueType() != JsonValue.ValueType.NULL) {
            string(m, "refusal", at + ".refusal");
        }
        JsonValue content = m.get("content");
        if (content == null || content.getValueType() == JsonValue.ValueType.NULL) {
            throw missing(at + ".content");
        }
        if (content instanceof JsonString s) {
            return new ChatMessage(mapped, s.getString(), false);
        }
        if (!(content instanceof JsonArray parts)) {
            throw wrongType(at + ".content", "a string or an array of content parts", content);
        }
        StringBuilder text = new StringBuilder();
        boolean hasImage = false;
        for (int j = 0; j < parts.size(); j++) {
            String pat = at + ".content[" + j + "]";
            if (!(parts.get(j) instanceof JsonObject part)) {
                throw wrongType(pat, "an object", parts.get(j));
            }
            String type = string(part, "type", pat + ".type");
            if (type == null) {
                throw missing(pat + ".type");
            }
            switch (type) {
                case "text", "refusal" -> {
                    if ("refusal".equals(type) && !"assistant".equals(role)) {
                        throw OpenAiException.invalid(pat + ".type", "invalid_value", "refusal parts belong to "
                                + "assistant messages.");
                    }
                    String t = string(part, type, pat + "." + type);
                    if (t == null) {
                        throw missing(pat + "." + type);
                    }
                    if (!text.isEmpty()) {
                        text.append('\n');
                    }
                    text.append(t);
                }
                case "image_url" -> {
                    if (!"user".equals(mapped)) {
                        throw OpenAiException.invalid(pat, "invalid_value", "Image parts are only allowed in user "
                                + "messages, not in " + role + " messages.");
                    }
                    if (image.bytes != null) {
                        throw OpenAiException.invalid(pat, "too_many_images", "GLM-4V takes one image per "
                                + "conversation, and " + image.at + " already has one.");
                    }
                    image.bytes = images.load(imageUrl(part, pat), pat + ".image_url.url");
                    image.at = pat;
                    hasImage = true;
                }
                default -> throw OpenAiException.invalid(pat + ".type", "unsupported_value", "Content parts of type '"
                        + type + "' are not supported; use 'text' and 'image_url'.");
            }
        }
        return new ChatMessage(mapped, text.toString(), hasImage);
    }

    /** {"type": "image_url", "image_url": {"url", "detail"?}} (also the older "image_url": "url"). */
    private static String imageUrl(JsonObject part, String at) {
        JsonValue v = part.get("image_url");
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            throw missing(at + ".image_url");
        }
        if (v instanceof JsonString s) {
            return s.getString();
        }
        if (!(v instanceof JsonObject img)) {
            throw wrongType(at + ".image_url", "an object {\"url\"}", v);
        }
        String url = string(img, "url", at + ".image_url.url");
        if (url == null) {
            throw missing(at + ".image_url.url");
        }
        String detail = string(img, "detail", at + ".image_url.detail"); // GLM-4V sees every image at one size
        if (detail != null && !List.of("auto", "low", "high").contains(detail)) {
            throw OpenAiException.invalid(at + ".image_url.detail", "invalid_value", "Invalid value: '" + detail
                    + "'. Supported values are: 'auto', 'low' and 'high'.");
        }
        return url;
    }
}
