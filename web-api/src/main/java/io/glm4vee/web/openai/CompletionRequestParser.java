package io.glm4vee.web.openai;

import io.glm4vee.config.ApiSettings;
import io.glm4vee.web.request.JsonTree;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParserFactory;

import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

import static io.glm4vee.web.openai.JsonFields.bool;
import static io.glm4vee.web.openai.JsonFields.missing;
import static io.glm4vee.web.openai.JsonFields.number;
import static io.glm4vee.web.openai.JsonFields.string;
import static io.glm4vee.web.openai.JsonFields.typeName;
import static io.glm4vee.web.openai.JsonFields.whole;
import static io.glm4vee.web.openai.JsonFields.wrongType;

/**
 * Body bytes of POST /v1/chat/completions -> {@link CompletionRequest}. Every refusal is a 400
 * invalid_request_error naming the field as OpenAI does ({@code messages[0].content[1].image_url.url})
 * with a code (invalid_type, invalid_value, missing_required_parameter, unknown_parameter,
 * unsupported_parameter, unsupported_value, empty_array, too_many_images, invalid_image,
 * invalid_image_url, image_too_large, context_length_exceeded); an unknown model is 404
 * model_not_found. The messages are read by {@link MessageParser}.
 *
 * <p>What GLM-4V cannot do is refused, not ignored: n other than 1, tools, logprobs, penalties,
 * JSON response formats. Fields that change nothing here (user, store, metadata, service_tier, ...)
 * are accepted. Unknown fields are refused, as OpenAI does.
 */
public final class CompletionRequestParser {

    /** Every top-level field this API knows. */
    static final List<String> FIELDS = List.of("model", "messages", "stream", "stream_options", "max_tokens",
            "max_completion_tokens", "temperature", "top_p", "seed", "stop", "n",
            // accepted when they ask for nothing GLM-4V lacks
            "frequency_penalty", "presence_penalty", "logprobs", "top_logprobs", "logit_bias", "tools",
            "tool_choice", "parallel_tool_calls", "functions", "function_call", "response_format", "modalities",
            // accepted and ignored
            "user", "store", "metadata", "service_tier", "safety_identifier", "prompt_cache_key",
            // refused when set
            "reasoning_effort", "verbosity", "prediction", "audio", "web_search_options");
    static final int MAX_STOP = 4;

    private final ApiSettings limits;
    private final OpenAiSettings settings;
    private final MessageParser messages;
    private final JsonParserFactory parsers = Json.createParserFactory(Map.of());

    public CompletionRequestParser(ApiSettings limits, OpenAiSettings settings, ImageUrls images) {
        this.limits = limits;
        this.settings = settings;
        this.messages = new MessageParser(limits, images);
    }

    public CompletionRequest parse(byte[] body) {
        JsonObject o = object(body);
        for (String key : o.keySet()) {
            if (!FIELDS.contains(key)) {
                throw OpenAiException.invalid(key, "unknown_parameter", "Unrecognized request argument supplied: "
                        + key);
            }
        }
        String model = model(o);
        boolean stream = bool(o, "stream");
        boolean includeUsage = streamOptions(o, stream);
        Integer maxTokens = maxTokens(o);
        Double temperature = number(o, "temperature", 0, 2, true);
        Double topP = number(o, "top_p", 0, 1, true);
        if (topP != null && topP == 0.0) {
            // only the most likely token is left: greedy, which the sampler expresses as temperature 0
            topP = null;
            temperature = 0.0;
        }
        Long seed = whole(o, "seed", BigDecimal.valueOf(Long.MIN_VALUE), BigDecimal.valueOf(Long.MAX_VALUE));
        List<String> stop = stop(o);
        Long n = whole(o, "n", BigDecimal.ONE, BigDecimal.valueOf(Integer.MAX_VALUE));
        if (n != null && n != 1) {
            throw OpenAiException.invalid("n", "unsupported_value", "n=" + n + " is not supported: this server "
                    + "returns one choice per request; send n=1 or leave n out");
        }
        nothingGlm4vLacks(o);
        // the messages last: they may decode (or fetch) the image, so every cheaper refusal comes first
        MessageParser.Conversation c = messages.conversation(o);
        return new CompletionRequest(model, c.messages(), c.image(), maxTokens == null ? limits.defaultMaxTokens() : maxTokens,
                temperature, topP, seed, stop, stream, includeUsage);
    }

    // ---------------------------------------------------------------- body and model

    private JsonObject object(byte[] body) {
        String text = utf8(body);
        if (text.isBlank()) {
            throw OpenAiException.invalid(null, "invalid_json", "The request body is empty; send a JSON object with "
                    + "\"model\" and \"messages\".");
        }
        JsonValue tree;
        try (JsonParser parser = parsers.createParser(new StringReader(text))) {
            tree = JsonTree.read(parser);
        } catch (JsonException | IllegalStateException | NoSuchElementException e) {
            throw OpenAiException.invalid(null, "invalid_json", "We could not parse the JSON body of your request: "
                    + e.getMessage());
        }
        if (!(tree instanceof JsonObject o)) {
            throw OpenAiException.invalid(null, "invalid_type", "The request body must be a JSON object, not "
                    + typeName(tree) + ".");
        }
        return o;
    }

    private String model(JsonObject o) {
        String model = string(o, "model", "model");
        if (model == null) {
            throw missing("model");
        }
        if (!settings.modelNames().contains(model)) {
            throw new OpenAiException(OpenAiError.of(404, "The model `" + model + "` does not exist or you do not "
                    + "have access to it. This server serves `" + settings.modelId() + "`.", "model", "model_not_found"));
        }
        return settings.modelId();
    }

    // ---------------------------------------------------------------- generation options

    private Integer maxTokens(JsonObject o) {
        BigDecimal max = BigDecimal.valueOf(limits.maxNewTokens());
        Long a = whole(o, "max_completion_tokens", BigDecimal.ONE, max);
        Long b = whole(o, "max_tokens", BigDecimal.ONE, max);
        if (a != null && b != null && !a.equals(b)) {
            throw OpenAiException.invalid("max_tokens", "invalid_value", "max_tokens=" + b + " and "
                    + "max_completion_tokens=" + a + " disagree; send one of them.");
        }
        Long v = a != null ? a : b;
        return v == null ? null : v.intValue();
    }

    private static boolean streamOptions(JsonObject o, boolean stream) {
        JsonValue v = o.get("stream_options");
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return false;
        }
        if (!stream) {
            throw OpenAiException.invalid("stream_options", "invalid_value", "The 'stream_options' parameter is only "
                    + "allowed when 'stream' is enabled.");
        }
        if (!(v instanceof JsonObject so)) {
            throw wrongType("stream_options", "an object", v);
        }
        for (String key : so.keySet()) {
            if (!key.equals("include_usage") && !key.equals("include_obfuscation")) {
                throw OpenAiException.invalid("stream_options." + key, "unknown_parameter",
                        "Unrecognized argument: stream_options." + key);
            }
        }
        bool(so, "include_obfuscation"); // nothing to obfuscate: accepted and ignored
        return bool(so, "include_usage");
    }

    private static List<String> stop(JsonObject o) {
        JsonValue v = o.get("stop");
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return List.of();
        }
        List<String> stop = new ArrayList<>();
        if (v instanceof JsonString s) {
            stop.add(s.getString());
        } else if (v instanceof JsonArray a) {
            if (a.size() > MAX_STOP) {
                throw OpenAiException.invalid("stop", "array_above_max_length", "Invalid 'stop': at most " + MAX_STOP
                        + " stop sequences, got " + a.size() + ".");
            }
            for (int i = 0; i < a.size(); i++) {
                if (!(a.get(i) instanceof JsonString s)) {
                    throw wrongType("stop[" + i + "]", "a string", a.get(i));
                }
                stop.add(s.getString());
            }
        } else {
            throw wrongType("stop", "a string or an array of strings", v);
        }
        for (int i = 0; i < stop.size(); i++) {
            if (stop.get(i).isEmpty()) {
                throw OpenAiException.invalid(v instanceof JsonArray ? "stop[" + i + "]" : "stop", "invalid_value",
                        "A stop sequence must not be empty.");
            }
        }
        return stop;
    }

    /** Options GLM-4V has no use for are fine at their neutral value and refused otherwise. */
    private static void nothingGlm4vLacks(JsonObject o) {
        neutral(o, "frequency_penalty", v -> isZero(v), "penalties are not supported");
        neutral(o, "presence_penalty", v -> isZero(v), "penalties are not supported");
        neutral(o, "logprobs", v -> v.getValueType() == JsonValue.ValueType.FALSE, "logprobs are not supported");
        neutral(o, "top_logprobs", v -> isZero(v), "logprobs are not supported");
        neutral(o, "logit_bias", v -> v instanceof JsonObject b && b.isEmpty(), "logit_bias is not supported");
        neutral(o, "tools", v -> v instanceof JsonArray a && a.isEmpty(), "tools are not supported");
        neutral(o, "functions", v -> v instanceof JsonArray a && a.isEmpty(), "functions are not supported");
        neutral(o, "tool_choice", v -> v instanceof JsonString s && List.of("none", "auto").contains(s.getString()),
                "tools are not supported");
        neutral(o, "function_call", v -> v instanceof JsonString s && List.of("none", "auto").contains(s.getString()),
                "functions are not supported");
        neutral(o, "parallel_tool_calls", v -> v.getValueType() == JsonValue.ValueType.TRUE
                || v.getValueType() == JsonValue.ValueType.FALSE, "expected a boolean");
        neutral(o, "response_format", v -> v instanceof JsonObject f && f.size() == 1
                && f.get("type") instanceof JsonString t && t.getString().equals("text"),
                "only {\"type\": \"text\"} is supported (no JSON mode or JSON schema)");
        neutral(o, "modalities", v -> v instanceof JsonArray a && a.size() == 1
                && a.get(0) instanceof JsonString t && t.getString().equals("text"), "only [\"text\"] is supported");
        for (String key : List.of("reasoning_effort", "verbosity", "prediction", "audio", "web_search_options")) {
            neutral(o, key, v -> false, "GLM-4V does not support it");
        }
        for (String key : List.of("user", "service_tier", "safety_identifier", "prompt_cache_key")) {
            string(o, key, key);
        }
        neutral(o, "store", v -> v.getValueType() == JsonValue.ValueType.TRUE
                || v.getValueType() == JsonValue.ValueType.FALSE, "expected a boolean");
        neutral(o, "metadata", v -> v instanceof JsonObject, "expected an object");
    }

    private static void neutral(JsonObject o, String key, Predicate<JsonValue> ok, String why) {
        JsonValue v = o.get(key);
        if (v != null && v.getValueType() != JsonValue.ValueType.NULL && !ok.test(v)) {
            throw OpenAiException.invalid(key, "unsupported_parameter", "Unsupported value for '" + key + "': " + why
                    + " by this server (GLM-4V).");
        }
    }

    private static boolean isZero(JsonValue v) {
        return v instanceof JsonNumber n && n.bigDecimalValue().signum() == 0;
    }

    private static String utf8(byte[] body) {
        try {
            return JsonTree.text(body);
        } catch (CharacterCodingException e) {
            throw OpenAiException.invalid(null, "invalid_json", "The request body is not UTF-8 text.");
        }
    }
}
