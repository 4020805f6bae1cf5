package io.glm4vee.web.openai;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.math.BigDecimal;

/** Typed reads of request fields; a wrong type or value is a 400 naming the field, worded as OpenAI words it. */
final class JsonFields {

    private JsonFields() {
    }

    static boolean absentOr(JsonValue v, JsonValue neutral) {
        return v == null || v.getValueType() == JsonValue.ValueType.NULL || v.equals(neutral);
    }

    static String string(JsonObject o, String key, String param) {
        JsonValue v = o.get(key);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(v instanceof JsonString s)) {
            throw wrongType(param, "a string", v);
        }
        return s.getString();
    }

    static boolean bool(JsonObject o, String key) {
        JsonValue v = o.get(key);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return false;
        }
        return switch (v.getValueType()) {
            case TRUE -> true;
            case FALSE -> false;
            default -> throw wrongType(key, "a boolean", v);
        };
    }

    static Double number(JsonObject o, String key, double min, double max, boolean minInclusive) {
        JsonValue v = o.get(key);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(v instanceof JsonNumber n)) {
            throw wrongType(key, "a number", v);
        }
        double d = n.doubleValue();
        if (!(minInclusive ? d >= min : d > min) || d > max) {
            throw OpenAiException.invalid(key, "invalid_value", "Invalid '" + key + "': must be between "
                    + fmt(min) + " and " + fmt(max) + ", got " + n + ".");
        }
        return d;
    }

    static Long whole(JsonObject o, String key, BigDecimal min, BigDecimal max) {
        JsonValue v = o.get(key);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(v instanceof JsonNumber n) || !n.isIntegral()) {
            throw wrongType(key, "an integer", v);
        }
        BigDecimal value = n.bigDecimalValue();
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw OpenAiException.invalid(key, "invalid_value", "Invalid '" + key + "': must be between "
                    + min.toPlainString() + " and " + max.toPlainString() + ", got " + value.toPlainString() + ".");
        }
        return value.longValueExact();
    }

    static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    static OpenAiException missing(String param) {
        return OpenAiException.invalid(param, "missing_required_parameter", "Missing required parameter: '"
                + param + "'.");
    }

    static OpenAiException wrongType(String param, String expected, JsonValue got) {
        return OpenAiException.invalid(param, "invalid_type", "Invalid type for '" + param + "': expected "
                + expected + ", but got " + typeName(got) + " instead.");
    }

    static String typeName(JsonValue v) {
        return switch (v.getValueType()) {
            case TRUE, FALSE -> "a boolean";
            case NULL -> "null";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> v instanceof JsonNumber n && n.isIntegral() ? "an integer" : "a decimal";
        };
    }
}
