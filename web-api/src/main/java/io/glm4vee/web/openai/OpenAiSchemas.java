package io.glm4vee.web.openai;

/**
 * Descriptions of the OpenAI wire objects for the OpenAPI document. The endpoints read and
 * write these objects as JSON trees (to accept exactly what OpenAI accepts and refuse the
 * rest with OpenAI's errors), so their schemas are described here rather than derived from
 * Java types.
 */
final class OpenAiSchemas {
    static final String REQUEST = "A chat completion request as OpenAI defines it. messages[].content is a "
            + "string or an array of parts {\"type\":\"text\",\"text\"} / {\"type\":\"image_url\",\"image_url\":"
            + "{\"url\":\"data:image/png;base64,...\"}} (one picture per conversation). n must be 1. "
            + "Unknown fields are refused (400 unknown_parameter).";
    static final String RESPONSE = "A chat.completion object: id, object, created, model, "
            + "choices[{index, message{role, content}, finish_reason}], usage{prompt_tokens, completion_tokens, "
            + "total_tokens}. With \"stream\": true, a text/event-stream of chat.completion.chunk events ending "
            + "with data: [DONE].";
    static final String ERROR = "OpenAI's error object: {\"error\": {\"message\", \"type\", \"param\", \"code\"}}";

    private OpenAiSchemas() {
    }
}
