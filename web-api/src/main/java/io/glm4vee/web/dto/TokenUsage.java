package io.glm4vee.web.dto;

import jakarta.json.bind.annotation.JsonbProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "TokenUsage", description = "Tokens of one answer")
public record TokenUsage(@Schema(description = "prompt tokens (an image counts as one)")
                         @JsonbProperty("prompt_tokens") int promptTokens,
                         @Schema(description = "generated tokens") @JsonbProperty("completion_tokens") int completionTokens) {
}
