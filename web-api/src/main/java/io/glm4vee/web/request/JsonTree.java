package io.glm4vee.web.request;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Builds a JSON-P tree from parser events, stricter than a JsonReader in ways every JSON-P
 * implementation agrees on: a duplicate key, content after the value and nesting deeper than
 * {@link #MAX_DEPTH} are errors (JSON-P's own duplicate-key option is not honoured by every
 * parser, and trailing content is not checked by readers). Shared by the native and the
 * OpenAI-compatible body parsers.
 */
public final class JsonTree {

    public static final int MAX_DEPTH = 32;

    private JsonTree() {
    }

    /**
     * A request body as text: strict UTF-8 (malformed bytes are an error, not replaced), a leading
     * byte order mark dropped, null read as empty.
     *
     * @throws CharacterCodingException when the bytes are not UTF-8
     */
    public static String text(byte[] body) throws CharacterCodingException {
        if (body == null) {
            return "";
        }
        String text = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(body)).toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** @throws JsonParsingException for malformed JSON and the rules above */
    public static JsonValue read(JsonParser parser) {
        if (!parser.hasNext()) {
            throw new JsonParsingException("no JSON value", parser.getLocation());
        }
        JsonValue value = value(parser, parser.next(), 0);
        if (parser.hasNext()) {
            throw new JsonParsingException("more content after the end of the JSON value", parser.getLocation());
        }
        return value;
    }

    private static JsonValue value(JsonParser p, JsonParser.Event event, int depth) {
        return switch (event) {
            case START_OBJECT -> object(p, depth + 1);
            case START_ARRAY -> array(p, depth + 1);
            case VALUE_STRING -> Json.createValue(p.getString());
            case VALUE_NUMBER -> Json.createValue(p.getBigDecimal());
            case VALUE_TRUE -> JsonValue.TRUE;
            case VALUE_FALSE -> JsonValue.FALSE;
            case VALUE_NULL -> JsonValue.NULL;
            default -> throw new JsonParsingException("unexpected " + event, p.getLocation());
        };
    }

    private static JsonValue object(JsonParser p, int depth) {
        deep(p, depth);
        JsonObjectBuilder b = Json.createObjectBuilder();
        Set<String> keys = new HashSet<>();
        for (JsonParser.Event e = p.next(); e != JsonParser.Event.END_OBJECT; e = p.next()) {
            String key = p.getString(); // e is KEY_NAME: the parser allows nothing else here
            if (!keys.add(key)) {
                throw new JsonParsingException("duplicate key \"" + key + "\"", p.getLocation());
            }
            b.add(key, value(p, p.next(), depth));
        }
        return b.build();
    }

    private static JsonValue array(JsonParser p, int depth) {
        deep(p, depth);
        JsonArrayBuilder b = Json.createArrayBuilder();
        for (JsonParser.Event e = p.next(); e != JsonParser.Event.END_ARRAY; e = p.next()) {
            b.add(value(p, e, depth));
        }
        return b.build();
    }

    private static void deep(JsonParser p, int depth) {
        if (depth > MAX_DEPTH) {
            throw new JsonParsingException("nested deeper than " + MAX_DEPTH + " levels", p.getLocation());
        }
    }
}
