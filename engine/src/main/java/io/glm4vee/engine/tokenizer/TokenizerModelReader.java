package io.glm4vee.engine.tokenizer;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads tokenizer.model: one ordinary token per line, {@code <base64 of the token bytes> <rank>},
 * where the rank is the token id. Ranks must be exactly 0..n-1 and token byte strings distinct
 * (tiktoken asserts both), and all 256 single bytes must be tokens so that BPE can always fall
 * back to bytes. Every problem is reported with its 1-based line number.
 */
final class TokenizerModelReader {
    private static final Pattern FIELDS = Pattern.compile("\\s+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,10}");

    /** Token bytes indexed by rank. */
    record Vocab(byte[][] tokens, Map<ByteKey, Integer> ranks) {
    }

    private TokenizerModelReader() {
    }

    static Vocab read(Path file) {
        List<String> lines = readLines(file);
        List<int[]> where = new ArrayList<>(); // {line number, rank} per token, in file order
        List<byte[]> bytes = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue; // the Python reader skips blank lines, e.g. a trailing one
            }
            int lineNo = i + 1;
            String[] f = FIELDS.split(line);
            if (f.length != 2) {
                throw bad(file, lineNo, "expected '<base64 token> <rank>', got " + f.length + " fields");
            }
            byte[] token = decodeBase64(file, lineNo, f[0]);
            if (!DIGITS.matcher(f[1]).matches()) {
                throw bad(file, lineNo, "rank '" + abbreviate(f[1]) + "' is not a non-negative integer");
            }
            long rank = Long.parseLong(f[1]);
            if (rank > Integer.MAX_VALUE) {
                throw bad(file, lineNo, "rank " + rank + " is too large");
            }
            where.add(new int[] {lineNo, (int) rank});
            bytes.add(token);
        }
        if (bytes.isEmpty()) {
            throw new EngineException(ErrorCode.BAD_TOKENIZER, file + ": no tokens");
        }
        return index(file, where, bytes);
    }

    private static Vocab index(Path file, List<int[]> where, List<byte[]> bytes) {
        int n = bytes.size();
        byte[][] tokens = new byte[n][];
        int[] lineOfRank = new int[n];
        Map<ByteKey, Integer> ranks = HashMap.newHashMap(n);
        for (int t = 0; t < n; t++) {
            int lineNo = where.get(t)[0];
            int rank = where.get(t)[1];
            if (rank >= n) {
                throw bad(file, lineNo, "rank " + rank + " is out of range: " + n
                        + " tokens must have ranks 0.." + (n - 1) + " without gaps");
            }
            if (tokens[rank] != null) {
                throw bad(file, lineNo, "rank " + rank + " already used on line " + lineOfRank[rank]);
            }
            Integer previous = ranks.putIfAbsent(ByteKey.of(bytes.get(t)), rank);
            if (previous != null) {
                throw bad(file, lineNo, "token bytes already have rank " + previous
                        + " on line " + lineOfRank[previous]);
            }
            tokens[rank] = bytes.get(t);
            lineOfRank[rank] = lineNo;
        }
        // n ranks, all < n and none repeated: there can be no gap, so only the bytes remain
        for (int b = 0; b < 256; b++) {
            if (!ranks.containsKey(ByteKey.of(new byte[] {(byte) b}))) {
                throw new EngineException(ErrorCode.BAD_TOKENIZER, String.format(
                        "%s: single byte 0x%02X has no token; BPE needs all 256 single bytes", file, b));
            }
        }
        return new Vocab(tokens, ranks);
    }

    private static byte[] decodeBase64(Path file, int lineNo, String field) {
        byte[] token;
        try {
            token = Base64.getDecoder().decode(field);
        } catch (IllegalArgumentException e) {
            throw new EngineException(ErrorCode.BAD_TOKENIZER, file + " line " + lineNo
                    + ": token '" + abbreviate(field) + "' is not valid base64 (" + e.getMessage() + ")", e);
        }
        if (token.length == 0) {
            throw bad(file, lineNo, "empty token");
        }
        return token;
    }

    private static List<String> readLines(Path file) {
        // ISO-8859-1 maps every byte to a char, so a stray non-ASCII byte reaches the base64
        // check with its line number instead of failing the whole read with a charset error.
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            throw new EngineException(ErrorCode.BAD_TOKENIZER, "cannot read " + file + ": " + e, e);
        }
        return lines;
    }

    private static EngineException bad(Path file, int lineNo, String what) {
        return new EngineException(ErrorCode.BAD_TOKENIZER, file + " line " + lineNo + ": " + what);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
