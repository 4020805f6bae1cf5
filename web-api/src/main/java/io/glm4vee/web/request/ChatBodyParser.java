package io.glm4vee.web.request;

import io.glm4vee.config.ApiSettings;
import io.glm4vee.web.dto.ChatBody;
import io.glm4vee.web.dto.MessageBody;
import io.glm4vee.web.problem.ProblemCode;
import io.glm4vee.web.problem.ProblemException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;

import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Body bytes -> {@link ChatBody}. JSON-B alone cannot tell "not JSON" from "a field of the
 * wrong type", nor name the field, so the body is first read as a JSON-P tree and its shape
 * checked (every error names the field: {@code messages[1].role}); then JSON-B maps it to the
 * record. Unknown fields, duplicate keys and content after the object are refused.
 */
public final class ChatBodyParser {

    private static final Jsonb JSONB = JsonbBuilder.create();

    private final ApiSettings settings;
    private final JsonParserFactory parsers = Json.createParserFactory(Map.of());

    public ChatBodyParser(ApiSettings settings) {
        this.settings = settings;
    }

    public ChatBody parse(byte[] body) {
        String text = utf8(body);
        if (text.isBlank()) {
            throw new ProblemException(ProblemCode.MALFORMED_JSON, "the body is empty; send a JSON object with \"messages\"");
        }
        JsonValue tree;
        try (JsonParser parser = parsers.createParser(new StringReader(text))) {
            tree = JsonTree.read(parser);
        } catch (JsonException | IllegalStateException | java.util.NoSuchElementException e) {
            throw new ProblemException(ProblemCode.MALFORMED_JSON, "the body is not valid JSON: "
                    + e.getMessage());
        }
        if (!(tree instanceof JsonObject object)) {
            throw new ProblemException(ProblemCode.INVALID_FIELD, "body: expected a JSON object, got "
                    + typeName(tree));
        }
        checkShape(object);
        try {
            return JSONB.fromJson(text, ChatBody.class);
        } catch (JsonbException e) {
            // the shape was checked; this is a JSON-B corner the checks above do not know
            throw new ProblemException(ProblemCode.INVALID_FIELD, "body: " + e.getMessage());
        }
    }

    private void checkShape(JsonObject body) {
        onlyKnown(body, ChatBody.FIELDS, "");
        JsonValue messages = body.get("messages");
        if (messages == null || messages.getValueType() == JsonValue.ValueType.NULL) {
            throw new ProblemException(ProblemCode.EMPTY_MESSAGES, "messages: required; send at least one message");
        }
        if (!(messages instanceof JsonArray list)) {
            throw wrongType("messages", "an array of messages", messages);
        }
        for (int i = 0; i < list.size(); i++) {
            String at = "messages[" + i + "]";
            if (!(list.get(i) instanceof JsonObject message)) {
                throw wrongType(at, "an object {\"role\", \"content\", \"image\"?}", list.get(i));
            }
            onlyKnown(message, MessageBody.FIELDS, at + ".");
            for (String field : MessageBody.FIELDS) {
                optionalString(message, field, at + "." + field);
            }
        }
        wholeNumber(body, "max_tokens", BigDecimal.ONE, BigDecimal.valueOf(settings.maxNewTokens()));
        number(body, "temperature");
        number(body, "top_p");
        wholeNumber(body, "seed", BigDecimal.valueOf(Long.MIN_VALUE), BigDecimal.valueOf(Long.MAX_VALUE));
        optionalString(body, "session", "session");
    }

    private static void onlyKnown(JsonObject object, List<String> known, String prefix) {
        for (String key : object.keySet()) {
            if (!known.contains(key)) {
                throw new ProblemException(ProblemCode.INVALID_FIELD, prefix + key + ": unknown field (known: "
                        + String.join(", ", known) + ")");
            }
        }
    }

    private static void optionalString(JsonObject object, String key, String path) {
        JsonValue v = object.get(key);
        if (v != null && v.getValueType() != JsonValue.ValueType.NULL && v.getValueType() != JsonValue.ValueType.STRING) {
            throw wrongType(path, "a string", v);
        }
    }

    private static void number(JsonObject object, String key) {
        JsonValue v = object.get(key);
        if (v != null && v.getValueType() != JsonValue.ValueType.NULL && !(v instanceof JsonNumber)) {
            throw wrongType(key, "a number", v);
        }
    }

    private static void wholeNumber(JsonObject object, String key, BigDecimal min, BigDecimal max) {
        JsonValue v = object.get(key);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return;
        }
        if (!(v instanceof JsonNumber n) || !n.isIntegral()) {
            throw wrongType(key, "a whole number", v);
        }
        BigDecimal value = n.bigDecimalValue();
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new ProblemException(ProblemCode.INVALID_FIELD, key + ": must be between " + min.toPlainString()
                    + " and " + max.toPlainString() + ", got " + value.toPlainString());
        }
    }

    private static ProblemException wrongType(String path, String expected, JsonValue got) {
        String shown = got.toString();
        shown = shown.length() > 40 ? shown.substring(0, 40) + "..." : shown;
        return new ProblemException(ProblemCode.INVALID_FIELD, path + ": expected " + expected + ", got "
                + typeName(got) + " " + shown);
    }

    private static String typeName(JsonValue v) {
        return switch (v.getValueType()) {
            case TRUE, FALSE -> "a boolean";
            case NULL -> "null";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> "a " + v.getValueType().name().toLowerCase(Locale.ROOT);
        };
    }

    private static String utf8(byte[] body) {
        try {
            return JsonTree.text(body);
        } catch (CharacterCodingException e) {
            throw new ProblemException(ProblemCode.MALFORMED_JSON, "the body is not UTF-8 text");
        }
    }
}
