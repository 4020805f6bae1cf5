package io.glm4vee.web;

import jakarta.json.bind.annotation.JsonbProperty;

import java.nio.charset.StandardCharsets;

/** One entry of bad-requests.json (see bad-requests.md). */
public record BadRequestCase(String name, String method, String path,
                             @JsonbProperty("content_type") String contentType,
                             String body, Integer repeat,
                             @JsonbProperty("repeat_text") String repeatText,
                             int status, String code,
                             @JsonbProperty("checked_by") String checkedBy,
                             String note) {

    public static final String MARKER = "{{REPEAT}}";

    /** The body as sent: the marker replaced by repeat_text x repeat. */
    public String expandedBody() {
        if (repeat == null) {
            return body;
        }
        String unit = repeatText == null ? "a" : repeatText;
        return body.replace(MARKER, unit.repeat(repeat));
    }

    public byte[] bodyBytes() {
        boolean multipart = contentType != null && contentType.startsWith("multipart/");
        return expandedBody().getBytes(multipart ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return name;
    }
}
