package io.glm4vee.engine.tokenizer;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;

import java.util.List;

/**
 * The glm-4v-9b chat template (HF {@code apply_chat_template} with tokenize=True):
 *
 * <pre>
 * [gMASK] &lt;sop&gt;
 * per message:  &lt;|role|&gt; BPE(metadata + "\n") [&lt;|begin_of_image|&gt; &lt;|endoftext|&gt; &lt;|end_of_image|&gt;] BPE(content)
 * then, for a generation prompt:  &lt;|assistant|&gt;
 * </pre>
 *
 * The {@code <|endoftext|>} between boi and eoi is a placeholder that the model replaces with the
 * vision rows. Contents are encoded with special tokens disabled, as HF does. There is no end
 * token after a turn: the next role token ends it.
 */
public final class ChatTemplate {
    private ChatTemplate() {
    }

    public static int[] apply(GlmTokenizer tok, List<ChatMessage> messages, boolean addGenerationPrompt) {
        IntList ids = new IntList();
        ids.add(tok.specialId(SpecialTokens.GMASK));
        ids.add(tok.specialId(SpecialTokens.SOP));
        int imageAt = -1;
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (m.image()) {
                if (imageAt >= 0) {
                    throw new EngineException(ErrorCode.BAD_REQUEST, "glm-4v accepts one image per conversation,"
                            + " but messages " + imageAt + " and " + i + " both carry one");
                }
                imageAt = i;
            }
            if (m.content().isEmpty() && !m.image()) {
                continue; // HF skips such turns entirely, role token included
            }
            ids.add(tok.specialId("<|" + m.role() + "|>"));
            ids.addAll(tok.encodeOrdinary(m.metadata() + "\n"));
            if (m.image()) {
                ids.add(tok.specialId(SpecialTokens.BEGIN_OF_IMAGE));
                ids.add(tok.specialId(SpecialTokens.ENDOFTEXT));
                ids.add(tok.specialId(SpecialTokens.END_OF_IMAGE));
            }
            ids.addAll(tok.encodeOrdinary(m.content()));
        }
        if (addGenerationPrompt) {
            ids.add(tok.specialId(SpecialTokens.ASSISTANT));
        }
        return ids.toArray();
    }
}
