package io.glm4vee.web.openai;

import io.glm4vee.ra.api.ChatResponse;
import jakarta.json.Json;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriter;
import jakarta.json.JsonWriterFactory;

import java.io.StringWriter;
import java.util.List;
import java.util.Map;

/**
 * The wire objects of the OpenAI-compatible API, written with JSON-P so that the fields OpenAI
 * sends as null ({"finish_reason": null}, {"param": null}) are there as null, as the SDKs expect.
 */
public final class OpenAiJson {

    public static final String JSON_UTF8 = "application/json";
    public static final String OWNER = "glm4v-ee";

    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());
    private static final JsonWriterFactory WRITERS = Json.createWriterFactory(Map.of());

    private OpenAiJson() {
    }

    /** {"error": {"message", "type", "param", "code"}} */
    public static String error(OpenAiError e) {
        JsonObjectBuilder inner = JSON.createObjectBuilder()
                .add("message", e.message())
                .add("type", e.type());
        nullable(inner, "param", e.param());
        nullable(inner, "code", e.code());
        return write(JSON.createObjectBuilder().add("error", inner).build());
    }

    /** A chat.completion: one choice with the whole answer, and usage. */
    public static String completion(String id, long created, String model, ChatResponse r) {
        JsonObjectBuilder message = JSON.createObjectBuilder()
                .add("role", "assistant")
                .add("content", r.text() == null ? "" : r.text())
                .addNull("refusal");
        JsonObjectBuilder choice = JSON.createObjectBuilder()
                .add("index", 0)
                .add("message", message)
                .addNull("logprobs")
                .add("finish_reason", finishReason(r.finishReason()));
        return write(JSON.createObjectBuilder()
                .add("id", id)
                .add("object", "chat.completion")
                .add("created", created)
                .add("model", model)
                .add("choices", JSON.createArrayBuilder().add(choice))
                .add("usage", usage(r))
                .build());
    }

    /**
     * A chat.completion.chunk with one choice. delta: {"role": "assistant"} in the first chunk,
     * {"content": "..."} after, {} in the last one, which has the finish_reason.
     *
     * @param withUsage add "usage": null (stream_options.include_usage: the usage comes in its own chunk)
     */
    public static String chunk(String id, long created, String model, JsonObject delta, String finishReason,
                               boolean withUsage) {
        JsonObjectBuilder choice = JSON.createObjectBuilder()
                .add("index", 0)
                .add("delta", delta)
                .addNull("logprobs");
        nullable(choice, "finish_reason", finishReason);
        JsonObjectBuilder chunk = chunkHead(id, created, model)
                .add("choices", JSON.createArrayBuilder().add(choice));
        if (withUsage) {
            chunk.addNull("usage");
        }
        return write(chunk.build());
    }

    /** The usage chunk of stream_options.include_usage: no choices, the request's usage. */
    public static String usageChunk(String id, long created, String model, ChatResponse r) {
        return write(chunkHead(id, created, model)
                .add("choices", JSON.createArrayBuilder())
                .add("usage", usage(r))
                .build());
    }

    public static JsonObject roleDelta() {
        return JSON.createObjectBuilder().add("role", "assistant").add("content", "").build();
    }

    public static JsonObject contentDelta(String text) {
        return JSON.createObjectBuilder().add("content", text).build();
    }

    public static JsonObject emptyDelta() {
        return JsonValue.EMPTY_JSON_OBJECT;
    }

    /** {"id", "object": "model", "created", "owned_by"} */
    public static String model(String id, long created) {
        return write(modelObject(id, created));
    }

    /** {"object": "list", "data": [models]} */
    public static String models(List<String> ids, long created) {
        var data = JSON.createArrayBuilder();
        ids.forEach(id -> data.add(modelObject(id, created)));
        return write(JSON.createObjectBuilder().add("object", "list").add("data", data).build());
    }

    /** stop and length as the adapter says; cancelled (the adapter stopped mid-answer) reads as stop. */
    public static String finishReason(String adapterReason) {
        return "length".equals(adapterReason) ? "length" : "stop";
    }

    private static JsonObject modelObject(String id, long created) {
        return JSON.createObjectBuilder()
                .add("id", id)
                .add("object", "model")
                .add("created", created)
                .add("owned_by", OWNER)
                .build();
    }

    private static JsonObjectBuilder chunkHead(String id, long created, String model) {
        return JSON.createObjectBuilder()
                .add("id", id)
                .add("object", "chat.completion.chunk")
                .add("created", created)
                .add("model", model);
    }

    private static JsonObject usage(ChatResponse r) {
        return JSON.createObjectBuilder()
                .add("prompt_tokens", r.promptTokens())
                .add("completion_tokens", r.completionTokens())
                .add("total_tokens", r.promptTokens() + r.completionTokens())
                .build();
    }

    private static void nullable(JsonObjectBuilder b, String name, String value) {
        if (value == null) {
            b.addNull(name);
        } else {
            b.add(name, value);
        }
    }

    private static String write(JsonObject o) {
        StringWriter out = new StringWriter();
        try (JsonWriter w = WRITERS.createWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }
}
