package io.glm4vee.ra.context;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.image.ClipPreprocessor;
import io.glm4vee.engine.image.ImageDecoder;
import io.glm4vee.engine.image.ImageLimits;
import io.glm4vee.engine.image.RgbImage;
import io.glm4vee.engine.model.GenerationDefaults;
import io.glm4vee.engine.model.ModelConfig;
import io.glm4vee.engine.sampling.SamplingParams;
import io.glm4vee.engine.tokenizer.ChatTemplate;
import io.glm4vee.engine.tokenizer.GlmTokenizer;
import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks a request before it costs anything: messages, roles, the one image (decoded and
 * normalised here, on the caller's thread, with the configured byte and pixel limits), sampling
 * values, max tokens, and a cheap size bound before tokenising. Every problem is an
 * InferenceException with a message that names the field.
 */
final class ChatPlanner {
    static final String ANONYMOUS = "anonymous";
    private static final Set<String> ROLES = io.glm4vee.engine.tokenizer.ChatMessage.ROLES;
    /** No GLM-4 token covers more characters than this, so longer text cannot fit the sequence. */
    private static final long MAX_CHARS_PER_TOKEN = 256;

    private final ModelConfig config;
    private final GenerationDefaults defaults;
    private final GlmTokenizer tokenizer;
    private final ImageDecoder decoder;
    private final int maxSequenceLength;
    private final int defaultMaxTokens;

    ChatPlanner(ModelConfig config, GenerationDefaults defaults, GlmTokenizer tokenizer, ImageLimits limits,
                int maxSequenceLength, int defaultMaxTokens) {
        this.config = config;
        this.defaults = defaults;
        this.tokenizer = tokenizer;
        this.decoder = new ImageDecoder(limits);
        this.maxSequenceLength = maxSequenceLength;
        this.defaultMaxTokens = defaultMaxTokens;
    }

    /** A checked request: its new messages, the new image (normalised pixels) if any, sampling. */
    record PlannedChat(String caller, List<ChatMessage> messages, float[] pixels, int maxTokens,
                       SamplingParams sampling, List<String> stop, String session) {
    }

    PlannedChat plan(ChatRequest r) {
        if (r == null) {
            throw Errors.bad("the request is missing");
        }
        List<ChatMessage> msgs = r.messages();
        if (msgs.isEmpty()) {
            throw Errors.bad("messages is empty: give at least one message (role user, with content)");
        }
        long chars = 0;
        int imageAt = -1;
        boolean anyContent = false;
        List<ChatMessage> clean = new ArrayList<>(msgs.size());
        for (int i = 0; i < msgs.size(); i++) {
            ChatMessage m = msgs.get(i);
            if (m == null) {
                throw Errors.bad("messages[" + i + "] is null");
            }
            if (m.role() == null || !ROLES.contains(m.role())) {
                throw Errors.bad("messages[" + i + "].role '" + m.role() + "' is not one of system, user, assistant, "
                        + "observation");
            }
            String content = m.content() == null ? "" : m.content();
            if (m.image()) {
                if (imageAt >= 0) {
                    throw Errors.bad("glm-4v takes one image per conversation, but messages[" + imageAt + "] and messages["
                            + i + "] both have image=true");
                }
                imageAt = i;
            }
            anyContent |= !content.isEmpty() || m.image();
            chars += content.length();
            clean.add(new ChatMessage(m.role(), content, m.image()));
        }
        if (!anyContent) {
            throw Errors.bad("every message is empty: give some content or an image");
        }
        if (chars > MAX_CHARS_PER_TOKEN * maxSequenceLength) {
            throw new InferenceException(Code.TOO_LARGE, "the messages have " + chars + " characters, which cannot fit "
                    + "maxSequenceLength=" + maxSequenceLength + " tokens");
        }
        if (r.image() != null && imageAt < 0) {
            throw Errors.bad("the request carries image bytes but no message has image=true; mark the message the "
                    + "image belongs to");
        }
        if (r.image() == null && imageAt >= 0) {
            throw Errors.bad("messages[" + imageAt + "] has image=true but the request carries no image bytes");
        }
        if (r.maxTokens() != null && r.maxTokens() < 1) {
            throw Errors.bad("maxTokens=" + r.maxTokens() + ": must be >= 1");
        }
        for (int i = 0; i < r.stop().size(); i++) {
            String s = r.stop().get(i);
            if (s == null || s.isEmpty()) {
                throw Errors.bad("stop[" + i + "] is empty; stop strings must have at least one character");
            }
        }
        SamplingParams sampling = sampling(r);
        float[] pixels = r.image() == null ? null : pixels(r.image());
        String caller = r.caller() == null || r.caller().isBlank() ? ANONYMOUS : r.caller();
        int maxTokens = r.maxTokens() == null ? defaultMaxTokens : r.maxTokens();
        return new PlannedChat(caller, List.copyOf(clean), pixels, maxTokens, sampling, r.stop(), r.session());
    }

    /** Request values where given, else the checkpoint's generation_config (as the CLI does), else greedy. */
    private SamplingParams sampling(ChatRequest r) {
        boolean sample = Boolean.TRUE.equals(defaults.doSample());
        double t = r.temperature() != null ? r.temperature()
                : sample && defaults.temperature() != null ? defaults.temperature() : sample ? 1.0 : 0.0;
        double p = r.topP() != null ? r.topP() : sample && defaults.topP() != null ? defaults.topP() : 1.0;
        int k = r.topK() != null ? r.topK() : sample && defaults.topK() != null ? defaults.topK() : 0;
        long seed = r.seed() == null ? 0 : r.seed();
        try {
            return new SamplingParams(t, p, k, seed, 1.0);
        } catch (EngineException e) {
            throw Errors.fromEngine(e);
        }
    }

    private float[] pixels(byte[] image) {
        if (config.vision() == null) {
            throw Errors.bad("this model has no vision tower; it cannot take an image");
        }
        try {
            RgbImage img = decoder.decode(image);
            return ClipPreprocessor.preprocess(img, config.vision().imageSize());
        } catch (EngineException e) {
            throw Errors.fromEngine(e);
        }
    }

    /** The chat template over the whole conversation, ending with the assistant prompt. */
    int[] promptIds(List<ChatMessage> conversation) {
        List<io.glm4vee.engine.tokenizer.ChatMessage> m = new ArrayList<>(conversation.size());
        for (ChatMessage c : conversation) {
            m.add(new io.glm4vee.engine.tokenizer.ChatMessage(c.role(), c.content(), c.image()));
        }
        try {
            return ChatTemplate.apply(tokenizer, m, true);
        } catch (EngineException e) {
            throw Errors.fromEngine(e);
        }
    }

    /** @throws InferenceException TOO_LARGE when the prompt leaves no room for an answer token */
    int maxNewTokens(int promptTokens, int requested, String what) {
        if (promptTokens >= maxSequenceLength) {
            throw new InferenceException(Code.TOO_LARGE, what + " has " + promptTokens + " tokens; maxSequenceLength is "
                    + maxSequenceLength + " (the prompt plus at least one answer token must fit)");
        }
        return Math.min(requested, maxSequenceLength - promptTokens);
    }
}
