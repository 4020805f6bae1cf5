package io.glm4vee.engine.generate;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;
import io.glm4vee.engine.model.Glm4vModel;
import io.glm4vee.engine.model.ModelConfig;
import io.glm4vee.engine.model.Sequence;
import io.glm4vee.engine.model.SplicedInput;
import io.glm4vee.engine.sampling.Sampler;
import io.glm4vee.engine.tokenizer.GlmTokenizer;
import io.glm4vee.engine.tokenizer.Utf8;

import java.util.Arrays;

/**
 * Prefill + cached decode for one request on one model: sampling, stop ids and strings,
 * max tokens, the model's seq_length, streaming and cancellation.
 */
public final class Generator {
    private final Glm4vModel model;

    public Generator(Glm4vModel model) {
        this.model = model;
    }

    public GenerationResult generate(GenerationRequest req, TokenListener listener, CancellationToken cancel) {
        return generate(req, listener, cancel, null);
    }

    /**
     * Like the other generate, on a given sequence (a chat session's): a prompt that starts
     * with the ids the sequence already holds reuses their KV cache. With null, a new
     * sequence sized for this request is used.
     */
    public GenerationResult generate(GenerationRequest req, TokenListener listener, CancellationToken cancel,
                                     Sequence session) {
        ModelConfig cfg = model.config();
        GlmTokenizer tok = model.tokenizer();
        listener = listener == null ? TokenListener.NONE : listener;
        int[] ids = req.promptIds();
        if (req.pixels() != null && !model.hasVision()) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "an image was given but the model has no vision tower");
        }
        SplicedInput in = model.splice(ids, req.pixels() != null);
        // positions of generated tokens continue from len(ids) - 1; the RoPE table ends at seq_length
        int positionsLeft = cfg.seqLength() - ids.length;
        if (positionsLeft <= 0) {
            throw new EngineException(ErrorCode.PROMPT_TOO_LONG, "the prompt has " + ids.length
                    + " tokens; the model's seq_length is " + cfg.seqLength() + " (prompt + answer must fit)");
        }
        int maxNew = Math.min(req.maxTokens(), positionsLeft);
        int[] stops = stopIds(cfg.eosTokenIds(), req.stopIds());
        Sequence seq = session != null ? session : model.newSequence(in.length() + maxNew);
        try {
            return generate(req, listener, cancel, seq, ids, in, maxNew, stops, tok);
        } finally {
            if (session == null) {
                seq.release();                      // ours: dropped now, not when the GC finds it
            }
        }
    }

    private GenerationResult generate(GenerationRequest req, TokenListener listener, CancellationToken cancel,
                                      Sequence seq, int[] ids, SplicedInput in, int maxNew, int[] stops,
                                      GlmTokenizer tok) {
        if (cancel != null && cancel.isCancelled()) {
            return new GenerationResult("", new int[0], FinishReason.CANCELLED, ids.length, 0, 0, 0);
        }
        Sampler sampler = new Sampler(req.sampling());
        int[] history = Arrays.copyOf(ids, ids.length + maxNew);
        int historyLength = ids.length;
        int[] generated = new int[maxNew];
        int count = 0;
        AnswerText answer = new AnswerText(req.stopStrings());
        FinishReason reason = FinishReason.LENGTH;
        byte[] textBytes = new byte[0];

        long t0 = System.nanoTime();
        float[] logits = model.prefill(seq, ids, req.pixels(), null);
        long t1 = System.nanoTime();
        while (true) {
            int next = sampler.next(logits, history, historyLength);
            generated[count++] = next;
            history[historyLength++] = next;
            boolean isStop = io.glm4vee.engine.sampling.StopIds.contains(stops, next);
            String delta = "";
            if (!isStop) {
                textBytes = concat(textBytes, tok.decodeBytes(new int[] {next}));
                delta = answer.update(Utf8.decodeReplace(completePrefix(textBytes)), false);
            }
            if (isStop || answer.stopped()) {
                reason = FinishReason.STOP;
            }
            listener.onToken(next, delta);
            if (reason == FinishReason.STOP || count == maxNew) {
                break;
            }
            if (cancel != null && cancel.isCancelled()) {
                reason = FinishReason.CANCELLED;
                break;
            }
            logits = model.decode(seq, next);
        }
        String tail = answer.stopped() ? "" : answer.update(Utf8.decodeReplace(textBytes), true);
        if (!tail.isEmpty()) {
            listener.onToken(-1, tail);
        }
        long t2 = System.nanoTime();
        return new GenerationResult(answer.emitted(), Arrays.copyOf(generated, count), reason, ids.length,
                in.length(), t1 - t0, t2 - t1);
    }

    private static int[] stopIds(int[] eos, int[] extra) {
        int[] all = Arrays.copyOf(eos, eos.length + extra.length);
        System.arraycopy(extra, 0, all, eos.length, extra.length);
        return all;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** Drops an incomplete UTF-8 sequence at the end, which the next token may complete. */
    static byte[] completePrefix(byte[] b) {
        int n = b.length;
        for (int back = 1; back <= Math.min(3, n); back++) {
            int c = b[n - back] & 0xFF;
            if ((c & 0xC0) == 0x80) {
                continue;                        // continuation byte: look further back
            }
            int need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            return need > back ? Arrays.copyOf(b, n - back) : b;
        }
        return b;
    }
}
