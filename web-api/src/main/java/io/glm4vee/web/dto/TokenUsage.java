package io.glm4vee.web.dto;

import jakarta.json.bind.annotation.JsonbProperty;

public record TokenUsage(@JsonbProperty("prompt_tokens") int promptTokens,
                         @JsonbProperty("completion_tokens") int completionTokens) {
}
