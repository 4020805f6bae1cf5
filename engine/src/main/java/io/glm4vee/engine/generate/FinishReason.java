package io.glm4vee.engine.generate;

/** Why generation ended; the lower-case names match OpenAI's finish_reason where one exists. */
public enum FinishReason {
    /** An eos id or a stop string. */
    STOP,
    /** max_tokens or the model's seq_length. */
    LENGTH,
    CANCELLED;

    public String wireName() {
        return name().toLowerCase();
    }
}
