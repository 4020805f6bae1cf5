package io.glm4vee.config;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Limits and defaults of the REST API and the EJBs, read from MicroProfile Config
 * ({@code glm4v.*} keys; environment variables such as {@code GLM4V_LIMITS_MAX_BODY_BYTES}
 * through MicroProfile Config's environment mapping). Plain Java so it can be built and
 * validated without a server: {@link #from} takes any key lookup.
 *
 * @param maxBodyBytes     largest request body (JSON or multipart); more is 413 BODY_TOO_LARGE
 * @param maxImageBytes    largest encoded image after base64 decoding; more is 413 IMAGE_TOO_LARGE
 * @param maxImagePixels   largest width * height claimed by an image header; more is 413 IMAGE_TOO_LARGE
 * @param maxMessages      most messages in one request; more is 400 INVALID_FIELD
 * @param maxTextChars     most characters of message text in one request; more is 413 PROMPT_TOO_LONG
 * @param defaultMaxTokens new tokens at most when a request gives no max_tokens
 * @param maxNewTokens     the largest max_tokens a request may ask for; more is 400 INVALID_FIELD
 */
public record ApiSettings(long maxBodyBytes, long maxImageBytes, long maxImagePixels, int maxMessages,
                          int maxTextChars, int defaultMaxTokens, int maxNewTokens) {

    public static final String MAX_BODY_BYTES = "glm4v.limits.max-body-bytes";
    public static final String MAX_IMAGE_BYTES = "glm4v.limits.max-image-bytes";
    public static final String MAX_IMAGE_PIXELS = "glm4v.limits.max-image-pixels";
    public static final String MAX_MESSAGES = "glm4v.limits.max-messages";
    public static final String MAX_TEXT_CHARS = "glm4v.limits.max-text-chars";
    public static final String DEFAULT_MAX_TOKENS = "glm4v.api.default-max-tokens";
    public static final String MAX_NEW_TOKENS = "glm4v.limits.max-new-tokens";

    private static final long MIB = 1024L * 1024L;

    /** 24 MiB bodies, 16 MiB images of at most 40 megapixels, 64 messages, 100000 chars, 256 of 4096 tokens. */
    public static final ApiSettings DEFAULTS =
            new ApiSettings(24 * MIB, 16 * MIB, 40_000_000L, 64, 100_000, 256, 4096);

    public ApiSettings {
        positive(MAX_BODY_BYTES, maxBodyBytes);
        positive(MAX_IMAGE_BYTES, maxImageBytes);
        positive(MAX_IMAGE_PIXELS, maxImagePixels);
        positive(MAX_MESSAGES, maxMessages);
        positive(MAX_TEXT_CHARS, maxTextChars);
        positive(DEFAULT_MAX_TOKENS, defaultMaxTokens);
        positive(MAX_NEW_TOKENS, maxNewTokens);
        if (defaultMaxTokens > maxNewTokens) {
            throw new IllegalArgumentException(DEFAULT_MAX_TOKENS + "=" + defaultMaxTokens
                    + ": must not exceed " + MAX_NEW_TOKENS + "=" + maxNewTokens);
        }
    }

    /**
     * Reads every key through lookup (absent keys keep their default) and validates the result.
     * Byte counts accept a plain number or a binary suffix ("24MiB", "24M"; MB means MiB).
     *
     * @throws IllegalArgumentException naming the key, the value and the rule
     */
    public static ApiSettings from(Function<String, Optional<String>> lookup) {
        return new ApiSettings(
                bytes(lookup, MAX_BODY_BYTES, DEFAULTS.maxBodyBytes),
                bytes(lookup, MAX_IMAGE_BYTES, DEFAULTS.maxImageBytes),
                number(lookup, MAX_IMAGE_PIXELS, DEFAULTS.maxImagePixels, Long.MAX_VALUE),
                (int) number(lookup, MAX_MESSAGES, DEFAULTS.maxMessages, Integer.MAX_VALUE),
                (int) number(lookup, MAX_TEXT_CHARS, DEFAULTS.maxTextChars, Integer.MAX_VALUE),
                (int) number(lookup, DEFAULT_MAX_TOKENS, DEFAULTS.defaultMaxTokens, Integer.MAX_VALUE),
                (int) number(lookup, MAX_NEW_TOKENS, DEFAULTS.maxNewTokens, Integer.MAX_VALUE));
    }

    private static long number(Function<String, Optional<String>> lookup, String key, long fallback, long max) {
        Optional<String> raw = lookup.apply(key).map(String::strip).filter(s -> !s.isEmpty());
        if (raw.isEmpty()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw.get().replace("_", ""));
            if (value > max) {
                throw new IllegalArgumentException(key + "=" + raw.get() + ": must be at most " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + "=" + raw.get() + ": expected a whole number");
        }
    }

    static long bytes(Function<String, Optional<String>> lookup, String key, long fallback) {
        Optional<String> raw = lookup.apply(key).map(String::strip).filter(s -> !s.isEmpty());
        if (raw.isEmpty()) {
            return fallback;
        }
        String text = raw.get().replace("_", "").toLowerCase(Locale.ROOT);
        long unit = 1;
        for (String[] suffix : new String[][]{{"gib", "1073741824"}, {"mib", "1048576"}, {"kib", "1024"},
                {"gb", "1073741824"}, {"mb", "1048576"}, {"kb", "1024"}, {"g", "1073741824"}, {"m", "1048576"}, {"k", "1024"}, {"b", "1"}}) {
            if (text.endsWith(suffix[0])) {
                unit = Long.parseLong(suffix[1]);
                text = text.substring(0, text.length() - suffix[0].length()).strip();
                break;
            }
        }
        try {
            return Math.multiplyExact(Long.parseLong(text), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(key + "=" + raw.get()
                    + ": expected a byte count such as 25165824 or 24MiB");
        }
    }

    private static void positive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + "=" + value + ": must be greater than 0");
        }
    }
}
