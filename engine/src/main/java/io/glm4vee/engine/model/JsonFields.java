package io.glm4vee.engine.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;

/**
 * Typed, checked access to the fields of one JSON object (config.json or its vision_config).
 * Every failure is a BAD_CONFIG naming the file/section, the field and what was wrong, so a
 * user can fix the file without reading code.
 */
final class JsonFields {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ObjectNode node;
    private final String where;

    private JsonFields(ObjectNode node, String where) {
        this.node = node;
        this.where = where;
    }

    static JsonFields parse(String json, String where) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new EngineException(ErrorCode.BAD_CONFIG,
                    where + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!(root instanceof ObjectNode obj)) {
            throw new EngineException(ErrorCode.BAD_CONFIG, where + ": expected a JSON object");
        }
        return new JsonFields(obj, where);
    }

    String where() {
        return where;
    }

    /** Present and not JSON null. */
    boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    /** The nested object, or null when absent/null. */
    JsonFields object(String field) {
        if (!has(field)) {
            return null;
        }
        if (!(node.get(field) instanceof ObjectNode obj)) {
            throw bad(field, node.get(field), "must be a JSON object");
        }
        return new JsonFields(obj, where + " " + field);
    }

    int requiredInt(String field) {
        if (!has(field)) {
            throw missing(field);
        }
        return toInt(field, node.get(field));
    }

    Integer optionalInt(String field) {
        return has(field) ? toInt(field, node.get(field)) : null;
    }

    int optionalInt(String field, int fallback) {
        return has(field) ? toInt(field, node.get(field)) : fallback;
    }

    double requiredDouble(String field) {
        if (!has(field)) {
            throw missing(field);
        }
        return toDouble(field, node.get(field));
    }

    Double optionalDouble(String field) {
        return has(field) ? toDouble(field, node.get(field)) : null;
    }

    double optionalDouble(String field, double fallback) {
        return has(field) ? toDouble(field, node.get(field)) : fallback;
    }

    boolean optionalBool(String field, boolean fallback) {
        Boolean b = optionalBool(field);
        return b == null ? fallback : b;
    }

    Boolean optionalBool(String field) {
        if (!has(field)) {
            return null;
        }
        JsonNode v = node.get(field);
        if (!v.isBoolean()) {
            throw bad(field, v, "must be true or false");
        }
        return v.booleanValue();
    }

    String optionalString(String field) {
        if (!has(field)) {
            return null;
        }
        JsonNode v = node.get(field);
        if (!v.isTextual()) {
            throw bad(field, v, "must be a string");
        }
        return v.textValue();
    }

    String requiredString(String field) {
        if (!has(field)) {
            throw missing(field);
        }
        return optionalString(field);
    }

    /** HF writes eos_token_id as either one id or a list of ids; both are accepted. */
    int[] intOrIntList(String field) {
        if (!has(field)) {
            return new int[0];
        }
        JsonNode v = node.get(field);
        if (!v.isArray()) {
            return new int[] {toInt(field, v)};
        }
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = toInt(field + "[" + i + "]", v.get(i));
        }
        return out;
    }

    EngineException missing(String field) {
        return new EngineException(ErrorCode.BAD_CONFIG,
                where + ": required field " + field + " is missing");
    }

    EngineException bad(String field, Object value, String rule) {
        return new EngineException(ErrorCode.BAD_CONFIG,
                where + ": " + field + "=" + value + " " + rule);
    }

    private int toInt(String field, JsonNode v) {
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw bad(field, v, "must be a 32-bit integer");
        }
        return v.intValue();
    }

    private double toDouble(String field, JsonNode v) {
        if (!v.isNumber()) {
            throw bad(field, v, "must be a number");
        }
        return v.doubleValue();
    }
}
