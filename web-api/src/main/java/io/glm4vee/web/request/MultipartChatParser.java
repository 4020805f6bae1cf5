package io.glm4vee.web.request;

import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.web.problem.BodyTooLargeException;
import io.glm4vee.web.problem.ProblemCode;
import io.glm4vee.web.problem.ProblemException;
import jakarta.ws.rs.core.EntityPart;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * multipart/form-data chat: a "prompt" text part, an optional "image" file (raw PNG or JPEG
 * bytes), and optional "max_tokens", "temperature", "top_p", "seed", "session" parts. Becomes
 * one user message carrying the image; the same checks as the JSON form apply.
 */
public final class MultipartChatParser {

    public static final List<String> FIELDS =
            List.of("prompt", "image", "max_tokens", "temperature", "top_p", "seed", "session");

    private final ChatMapping mapping;

    public MultipartChatParser(ChatMapping mapping) {
        this.mapping = mapping;
    }

    public ChatRequest toRequest(List<EntityPart> parts) {
        Map<String, EntityPart> byName = new HashMap<>();
        for (EntityPart part : parts == null ? List.<EntityPart>of() : parts) {
            String name = part.getName();
            if (name == null || !FIELDS.contains(name)) {
                throw new ProblemException(ProblemCode.INVALID_FIELD, name + ": unknown form field (known: "
                        + String.join(", ", FIELDS) + ")");
            }
            if (byName.put(name, part) != null) {
                throw "image".equals(name)
                        ? new ProblemException(ProblemCode.TOO_MANY_IMAGES, "image: one image per conversation")
                        : new ProblemException(ProblemCode.INVALID_FIELD, name + ": sent more than once");
            }
        }
        long textLimit = (long) mapping.settings().maxTextChars() * 4; // UTF-8 bytes of the longest allowed text
        String prompt = text(byName.get("prompt"), textLimit, "prompt");
        if (prompt == null || prompt.isBlank()) {
            throw new ProblemException(ProblemCode.EMPTY_MESSAGES, "prompt: required; send the question as a "
                    + "\"prompt\" form field");
        }
        if (prompt.length() > mapping.settings().maxTextChars()) {
            throw new ProblemException(ProblemCode.PROMPT_TOO_LONG, "prompt: " + prompt.length()
                    + " characters, over the limit of " + mapping.settings().maxTextChars());
        }
        byte[] image = image(byName.get("image"));
        return mapping.build(List.of(new ChatMessage("user", prompt, image != null)), image,
                integer(byName, "max_tokens"), decimal(byName, "temperature"), decimal(byName, "top_p"),
                whole(byName, "seed"), emptyAsNull(text(byName.get("session"), 1024, "session")));
    }

    private static String emptyAsNull(String s) {
        return s == null || s.isEmpty() ? null : s; // an empty form field is an absent one
    }

    private byte[] image(EntityPart part) {
        if (part == null) {
            return null;
        }
        byte[] bytes = read(part, mapping.settings().maxImageBytes(), "image");
        if (bytes.length == 0 && (part.getFileName().isEmpty() || part.getFileName().get().isEmpty())) {
            return null; // a browser form with no file chosen
        }
        return mapping.images().check(bytes, "image");
    }

    private static String text(EntityPart part, long limit, String field) {
        return part == null ? null : new String(read(part, limit, field), StandardCharsets.UTF_8).strip();
    }

    private static byte[] read(EntityPart part, long limit, String field) {
        try (InputStream in = part.getContent()) {
            return LimitedInputStream.readAll(in, limit);
        } catch (BodyTooLargeException e) {
            throw new ProblemException("image".equals(field) ? ProblemCode.IMAGE_TOO_LARGE
                    : "prompt".equals(field) ? ProblemCode.PROMPT_TOO_LONG : ProblemCode.INVALID_FIELD,
                    field + ": more than " + limit + " bytes");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read form field " + field, e);
        }
    }

    private static Integer integer(Map<String, EntityPart> parts, String field) {
        Long v = whole(parts, field);
        if (v != null && (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)) {
            throw new ProblemException(ProblemCode.INVALID_FIELD, field + ": out of range, got " + v);
        }
        return v == null ? null : v.intValue();
    }

    private static Long whole(Map<String, EntityPart> parts, String field) {
        String s = text(parts.get(field), 64, field);
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new ProblemException(ProblemCode.INVALID_FIELD, field + ": expected a whole number, got '" + s + "'");
        }
    }

    private static Double decimal(Map<String, EntityPart> parts, String field) {
        String s = text(parts.get(field), 64, field);
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            double d = Double.parseDouble(s);
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new ProblemException(ProblemCode.INVALID_FIELD, field + ": expected a number, got '" + s + "'");
        }
    }
}
