package io.glm4vee.engine.tokenizer;

import java.util.List;

/**
 * GLM-4 special tokens. They are not in tokenizer.model: they take the ids right after the last
 * ordinary rank, in exactly this order (spec section 7), so for glm-4v-9b
 * {@code <|endoftext|>} is 151329. Changing the order changes every special id.
 */
public final class SpecialTokens {
    public static final String ENDOFTEXT = "<|endoftext|>";
    public static final String MASK = "[MASK]";
    public static final String GMASK = "[gMASK]";
    public static final String SMASK = "[sMASK]";
    public static final String SOP = "<sop>";
    public static final String EOP = "<eop>";
    public static final String SYSTEM = "<|system|>";
    public static final String USER = "<|user|>";
    public static final String ASSISTANT = "<|assistant|>";
    public static final String OBSERVATION = "<|observation|>";
    public static final String BEGIN_OF_IMAGE = "<|begin_of_image|>";
    public static final String END_OF_IMAGE = "<|end_of_image|>";
    public static final String BEGIN_OF_VIDEO = "<|begin_of_video|>";
    public static final String END_OF_VIDEO = "<|end_of_video|>";

    /** Index i has id {@code ordinaryCount + i}. */
    public static final List<String> ORDER = List.of(
            ENDOFTEXT, MASK, GMASK, SMASK, SOP, EOP,
            SYSTEM, USER, ASSISTANT, OBSERVATION,
            BEGIN_OF_IMAGE, END_OF_IMAGE, BEGIN_OF_VIDEO, END_OF_VIDEO);

    private SpecialTokens() {
    }
}
