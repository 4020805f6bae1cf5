package io.glm4vee.config;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiSettingsTest {

    private static ApiSettings read(Map<String, String> values) {
        return ApiSettings.from(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void absentKeysKeepTheDocumentedDefaults() {
        ApiSettings s = read(Map.of());
        assertEquals(ApiSettings.DEFAULTS, s);
        assertEquals(24L * 1024 * 1024, s.maxBodyBytes());
        assertEquals(16L * 1024 * 1024, s.maxImageBytes());
        assertEquals(64, s.maxMessages());
        assertEquals(100_000, s.maxTextChars());
        assertEquals(256, s.defaultMaxTokens());
    }

    @Test
    void byteCountsTakeUnitSuffixes() {
        ApiSettings s = read(Map.of(ApiSettings.MAX_BODY_BYTES, "32MiB", ApiSettings.MAX_IMAGE_BYTES, "512 k"));
        assertEquals(32L * 1024 * 1024, s.maxBodyBytes());
        assertEquals(512L * 1024, s.maxImageBytes());
        assertEquals(1_000_000L, read(Map.of(ApiSettings.MAX_BODY_BYTES, "1_000_000")).maxBodyBytes());
    }

    @Test
    void badValuesNameTheKeyTheValueAndTheRule() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of(ApiSettings.MAX_BODY_BYTES, "lots")));
        assertTrue(e.getMessage().contains("glm4v.limits.max-body-bytes=lots"), e.getMessage());
        assertTrue(e.getMessage().contains("byte count"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> read(Map.of(ApiSettings.MAX_MESSAGES, "0")));
        assertTrue(e.getMessage().contains("glm4v.limits.max-messages=0: must be greater than 0"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> read(Map.of(ApiSettings.MAX_TEXT_CHARS, "3000000000")));
        assertTrue(e.getMessage().contains("glm4v.limits.max-text-chars"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class,
                () -> read(Map.of(ApiSettings.DEFAULT_MAX_TOKENS, "512", ApiSettings.MAX_NEW_TOKENS, "128")));
        assertTrue(e.getMessage().contains("glm4v.api.default-max-tokens=512"), e.getMessage());
    }
}
