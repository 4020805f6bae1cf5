package io.glm4vee.web.dto;

import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The multipart form of POST /api/v1/chat, for the OpenAPI document only: the form is read part
 * by part (io.glm4vee.web.request.MultipartChatParser), not bound to this record.
 */
@Schema(name = "ChatForm", description = "A chat request as multipart/form-data: a prompt and an optional image file")
public record ChatForm(@Schema(required = true, description = "the user's message") String prompt,
                       @Schema(type = SchemaType.STRING, format = "binary", description = "a PNG or JPEG file")
                       byte[] image,
                       @Schema(description = "new tokens at most", minimum = "1") Integer max_tokens,
                       @Schema(description = "0 = greedy", minimum = "0", maximum = "2") Double temperature,
                       @Schema(description = "nucleus sampling, (0, 1]") Double top_p,
                       @Schema(description = "random seed of sampling") Long seed,
                       @Schema(description = "a session id from POST /api/v1/sessions") String session) {
}
