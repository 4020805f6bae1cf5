package io.glm4vee.engine;

/** Stable error codes. The names are part of the public contract (logs, problem+json). */
public enum ErrorCode {
    /** A checkpoint file or directory is missing, unreadable or malformed. */
    BAD_CHECKPOINT,
    /** config.json is missing a field, has a wrong type, or describes an unsupported model. */
    BAD_CONFIG,
    /** A tensor is missing, unexpected, or has the wrong shape or dtype. */
    BAD_TENSOR,
    UNSUPPORTED_DTYPE,
    /** An op got inputs of the wrong shape, dtype or layout (a programming error). */
    SHAPE_MISMATCH,
    LAYOUT,
    /** tokenizer.model is malformed, or an id has no token. */
    BAD_TOKENIZER,
    /** The image cannot be decoded or is too large. */
    BAD_IMAGE,
    IMAGE_TOO_LARGE,
    /** Request-level problems. */
    BAD_REQUEST,
    PROMPT_TOO_LONG,
    CANCELLED,
    /** Multi-card problems. */
    TP_UNSUPPORTED,
    DEVICE_FAILED,
    DEVICE_TIMEOUT,
    /** The requested device backend is not on the class path or cannot run here. */
    BACKEND_UNAVAILABLE,
    INTERNAL
}
