package io.glm4vee.web.openai;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OpenAiSettingsTest {

    static OpenAiSettings from(Map<String, String> values) {
        return OpenAiSettings.from(key -> Optional.ofNullable(values.get(key)));
    }

    @Test
    void theModelIdIsTheModelDirectorysName() {
        assertEquals("glm4v-shapes-demo", from(Map.of("glm4v.modelPath", "/work/main/models/glm4v-shapes-demo/")).modelId());
        assertEquals("glm-4v-9b", from(Map.of("glm4v.modelPath", "/data/THUDM/glm-4v-9b")).modelId());
        assertEquals("glm-4v", from(Map.of()).modelId(), "nothing configured");
        assertEquals("my-model", from(Map.of("glm4v.modelPath", "/data/x", "glm4v.openai.model-id", "my-model")).modelId());
    }

    @Test
    void defaults() {
        OpenAiSettings s = from(Map.of());
        assertEquals(List.of("glm-4v"), s.aliases());
        assertEquals(List.of(), s.imageUrlAllowHosts(), "data: URLs only");
        assertEquals(10_000, s.imageFetchTimeoutMs());
        assertFalse(s.allowsImageHost("localhost"));
        assertFalse(s.allowsImageHost("169.254.169.254"));
    }

    @Test
    void aliasesAndModelNames() {
        OpenAiSettings s = from(Map.of("glm4v.openai.model-id", "demo", "glm4v.openai.model-aliases", " glm-4v , gpt-4o-mini "));
        assertEquals(List.of("demo", "glm-4v", "gpt-4o-mini"), List.copyOf(s.modelNames()));
    }

    @Test
    void allowedImageHosts() {
        OpenAiSettings s = from(Map.of("glm4v.openai.image-url-allow-hosts", "Images.Example.com, *.cdn.example.org,192.0.2.7"));
        assertTrue(s.allowsImageHost("images.example.com"));
        assertTrue(s.allowsImageHost("IMAGES.example.COM."));
        assertTrue(s.allowsImageHost("a.cdn.example.org"));
        assertTrue(s.allowsImageHost("a.b.cdn.example.org"));
        assertFalse(s.allowsImageHost("cdn.example.org"), "*.domain is for subdomains");
        assertFalse(s.allowsImageHost("evilcdn.example.org"));
        assertFalse(s.allowsImageHost("images.example.com.evil.net"));
        assertTrue(s.allowsImageHost("192.0.2.7"));
        assertFalse(s.allowsImageHost("192.0.2.70"));
        assertFalse(s.allowsImageHost(null));
    }

    @Test
    void badValuesNameKeyAndRule() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> from(Map.of("glm4v.openai.image-url-allow-hosts",
                "http://images.example.com"))).getMessage().startsWith("glm4v.openai.image-url-allow-hosts="));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> from(Map.of("glm4v.openai.image-url-allow-hosts",
                "*"))).getMessage().contains("not a host name"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> from(Map.of("glm4v.openai.image-fetch-timeout-ms",
                "soon"))).getMessage().startsWith("glm4v.openai.image-fetch-timeout-ms=soon"));
        assertThrows(IllegalArgumentException.class, () -> from(Map.of("glm4v.openai.image-fetch-timeout-ms", "0")));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> from(Map.of("glm4v.openai.model-id",
                "has space"))).getMessage().startsWith("glm4v.openai.model-id=has space"));
    }
}
