package io.glm4vee.engine.tokenizer;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The GLM-4 tiktoken-style tokenizer: a byte-level BPE rank table read from tokenizer.model,
 * the GLM-4 pre-tokenizer pattern, and 14 special tokens numbered after the ordinary ones.
 * Immutable and thread-safe.
 *
 * <p>Id space: {@code [0, ordinaryCount)} ordinary tokens, then the special tokens, then up to
 * {@code paddedVocabSize} padding rows of the embedding that have no token and decode to nothing.
 */
public final class GlmTokenizer {
    private static final byte[] NO_BYTES = new byte[0];

    private final byte[][] tokens;          // (ordinaryCount) token bytes by id
    private final byte[][] specialBytes;    // (14) UTF-8 of the special token texts
    private final Map<String, Integer> specialIds;
    private final int paddedVocabSize;
    private final BytePairEncoder bpe;
    private final Pattern specialPattern;

    private GlmTokenizer(TokenizerModelReader.Vocab vocab, int paddedVocabSize) {
        this.tokens = vocab.tokens();
        this.bpe = new BytePairEncoder(vocab.ranks());
        int n = tokens.length;
        this.specialBytes = new byte[SpecialTokens.ORDER.size()][];
        this.specialIds = new HashMap<>();
        for (int i = 0; i < specialBytes.length; i++) {
            String s = SpecialTokens.ORDER.get(i);
            specialBytes[i] = s.getBytes(StandardCharsets.UTF_8);
            specialIds.put(s, n + i);
        }
        int minimum = n + specialBytes.length;
        if (paddedVocabSize < minimum) {
            throw new EngineException(ErrorCode.BAD_TOKENIZER, "padded vocab size " + paddedVocabSize
                    + " is smaller than the tokenizer's " + n + " ordinary + " + specialBytes.length
                    + " special tokens = " + minimum + " (does config.json belong to this tokenizer.model?)");
        }
        this.paddedVocabSize = paddedVocabSize;
        // longest first, so that a token that is a prefix of another can never win by accident
        this.specialPattern = Pattern.compile(SpecialTokens.ORDER.stream()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .map(Pattern::quote)
                .collect(Collectors.joining("|")));
    }

    /** Loads tokenizer.model with no padding rows: valid ids are ordinary and special tokens. */
    public static GlmTokenizer load(Path tokenizerModel) {
        TokenizerModelReader.Vocab vocab = TokenizerModelReader.read(tokenizerModel);
        return new GlmTokenizer(vocab, vocab.tokens().length + SpecialTokens.ORDER.size());
    }

    /**
     * Loads tokenizer.model for a model whose embedding has {@code paddedVocabSize} rows
     * (config.json {@code padded_vocab_size}); ids between the last special token and that size
     * are valid and decode to nothing.
     */
    public static GlmTokenizer load(Path tokenizerModel, int paddedVocabSize) {
        return new GlmTokenizer(TokenizerModelReader.read(tokenizerModel), paddedVocabSize);
    }

    public int ordinaryCount() {
        return tokens.length;
    }

    public int paddedVocabSize() {
        return paddedVocabSize;
    }

    public int specialId(String token) {
        Integer id = specialIds.get(token);
        if (id == null) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "'" + token + "' is not a special token; known: "
                    + SpecialTokens.ORDER);
        }
        return id;
    }

    public boolean isSpecial(int id) {
        return id >= tokens.length && id < tokens.length + specialBytes.length;
    }

    /** The pre-tokenizer pieces of {@code text}; BPE never merges across them. */
    public List<String> pretokenize(String text) {
        return Pretokenizer.split(text);
    }

    /**
     * Plain text to ids; special-token strings are ordinary text here (the chat template encodes
     * message contents this way, so a user cannot inject {@code <|assistant|>}).
     */
    public int[] encodeOrdinary(String text) {
        IntList out = new IntList();
        appendOrdinary(text, out);
        return out.toArray();
    }

    /**
     * What HF {@code tokenizer(text)} returns: {@code [gMASK] <sop>}, then the text with
     * special-token strings recognised as special ids. Text between them is pre-tokenised
     * separately, as in HF, which splits on added tokens first.
     */
    public int[] encode(String text) {
        IntList out = new IntList();
        out.add(specialId(SpecialTokens.GMASK));
        out.add(specialId(SpecialTokens.SOP));
        Matcher m = specialPattern.matcher(text);
        int from = 0;
        while (m.find()) {
            appendOrdinary(text.substring(from, m.start()), out);
            out.add(specialIds.get(m.group()));
            from = m.end();
        }
        appendOrdinary(text.substring(from), out);
        return out.toArray();
    }

    private void appendOrdinary(String text, IntList out) {
        for (String piece : Pretokenizer.split(text)) {
            // A lone surrogate (invalid UTF-16) becomes '?' here, as in String.getBytes; Python
            // would refuse to encode it.
            bpe.encode(piece.getBytes(StandardCharsets.UTF_8), out);
        }
    }

    /**
     * The bytes behind {@code ids}: token bytes, special tokens as their text, padding ids as
     * nothing. Ids outside {@code [0, paddedVocabSize)} are rejected.
     */
    public byte[] decodeBytes(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            out.writeBytes(bytesOf(id));
        }
        return out.toByteArray();
    }

    /** Text of {@code ids}, invalid UTF-8 replaced as Python's {@code errors="replace"} does. */
    public String decode(int[] ids) {
        return Utf8.decodeReplace(decodeBytes(ids));
    }

    /** A streaming decoder for one generated sequence (not thread-safe, unlike this class). */
    public StreamingDecoder streamingDecoder() {
        return new StreamingDecoder(this);
    }

    /** Bytes of one id; the array is shared, callers must not modify it. */
    byte[] bytesOf(int id) {
        checkId(id);
        if (id < tokens.length) {
            return tokens[id];
        }
        int special = id - tokens.length;
        return special < specialBytes.length ? specialBytes[special] : NO_BYTES;
    }

    /** Throws unless {@code 0 <= id < paddedVocabSize}. */
    public void checkId(int id) {
        if (id < 0 || id >= paddedVocabSize) {
            throw new EngineException(ErrorCode.BAD_TOKENIZER, "token id " + id
                    + " is outside the vocabulary [0, " + paddedVocabSize + ")");
        }
    }

    /**
     * A readable form of one id for logs and debugging: the token text when its bytes are valid
     * UTF-8, else the bytes with non-ASCII ones as {@code \xNN}; {@code <pad:ID>} for padding.
     */
    public String tokenText(int id) {
        checkId(id);
        if (id >= tokens.length + specialBytes.length) {
            return "<pad:" + id + ">";
        }
        byte[] b = bytesOf(id);
        if (Utf8.isValid(b)) {
            return new String(b, StandardCharsets.UTF_8);
        }
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            if (x >= 0) {
                s.append((char) x);
            } else {
                s.append(String.format("\\x%02X", x & 0xFF));
            }
        }
        return s.toString();
    }
}
