package io.glm4vee.web.openai;

import java.net.IDN;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Settings of the OpenAI-compatible API ({@code glm4v.openai.*} keys of MicroProfile Config).
 * Plain Java, like {@link io.glm4vee.config.ApiSettings}, so it is built and validated without a server.
 *
 * @param modelId            the model's id in requests and in GET /v1/models
 * @param aliases            other names a request may give for the same model (answers name modelId)
 * @param imageUrlAllowHosts hosts whose http(s) image URLs are fetched; empty: only data: URLs (the default)
 * @param imageFetchTimeoutMs the whole fetch of one image URL (connect, headers, body) at most
 */
public record OpenAiSettings(String modelId, List<String> aliases, List<String> imageUrlAllowHosts,
                             long imageFetchTimeoutMs) {

    public static final String MODEL_ID = "glm4v.openai.model-id";
    public static final String MODEL_ALIASES = "glm4v.openai.model-aliases";
    public static final String IMAGE_URL_ALLOW_HOSTS = "glm4v.openai.image-url-allow-hosts";
    public static final String IMAGE_FETCH_TIMEOUT_MS = "glm4v.openai.image-fetch-timeout-ms";
    /** The resource adapter's model directory, a server variable in server.xml: its name is the default model id. */
    public static final String MODEL_PATH = "glm4v.modelPath";

    /** The model id when neither glm4v.openai.model-id nor glm4v.modelPath is set. */
    public static final String FALLBACK_MODEL_ID = "glm-4v";
    public static final List<String> DEFAULT_ALIASES = List.of("glm-4v");
    public static final long DEFAULT_IMAGE_FETCH_TIMEOUT_MS = 10_000;

    /** Letters, digits and . _ - : / (ids such as "glm4v-shapes-demo", "THUDM/glm-4v-9b"). */
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}");
    /** A host name, an IPv4 address or a bracketed IPv6 address, optionally "*." in front of a domain. */
    private static final Pattern HOST = Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9.-]{0,252})|\\[[0-9a-f:.]+]");

    public OpenAiSettings {
        modelName(MODEL_ID, modelId);
        aliases = List.copyOf(aliases == null ? List.of() : aliases);
        for (String a : aliases) {
            modelName(MODEL_ALIASES, a);
        }
        imageUrlAllowHosts = List.copyOf(imageUrlAllowHosts == null ? List.of() : imageUrlAllowHosts);
        for (String h : imageUrlAllowHosts) {
            if (!HOST.matcher(h).matches() || h.endsWith(".") || h.contains("..")) {
                throw new IllegalArgumentException(IMAGE_URL_ALLOW_HOSTS + "=" + String.join(",", imageUrlAllowHosts)
                        + ": '" + h + "' is not a host name (images.example.com, *.example.com, 192.0.2.7 or [2001:db8::7])");
            }
        }
        if (imageFetchTimeoutMs < 1 || imageFetchTimeoutMs > 600_000) {
            throw new IllegalArgumentException(IMAGE_FETCH_TIMEOUT_MS + "=" + imageFetchTimeoutMs
                    + ": must be between 1 and 600000 milliseconds");
        }
    }

    /**
     * Reads every key through lookup. The model id defaults to the name of the model directory
     * (glm4v.modelPath, e.g. "glm4v-shapes-demo"), else "glm-4v".
     *
     * @throws IllegalArgumentException naming the key, the value and the rule
     */
    public static OpenAiSettings from(Function<String, Optional<String>> lookup) {
        String id = value(lookup, MODEL_ID).orElseGet(() -> value(lookup, MODEL_PATH)
                .map(OpenAiSettings::directoryName).orElse(FALLBACK_MODEL_ID));
        List<String> aliases = value(lookup, MODEL_ALIASES).map(OpenAiSettings::list).orElse(DEFAULT_ALIASES);
        List<String> hosts = value(lookup, IMAGE_URL_ALLOW_HOSTS).map(OpenAiSettings::list).orElse(List.of())
                .stream().map(OpenAiSettings::normaliseHost).toList();
        long timeout = value(lookup, IMAGE_FETCH_TIMEOUT_MS).map(v -> {
            try {
                return Long.parseLong(v.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(IMAGE_FETCH_TIMEOUT_MS + "=" + v + ": expected a whole number of milliseconds");
            }
        }).orElse(DEFAULT_IMAGE_FETCH_TIMEOUT_MS);
        return new OpenAiSettings(id, aliases, hosts, timeout);
    }

    /** Every name a request may give: the id first, then the aliases. */
    public Set<String> modelNames() {
        Set<String> names = new LinkedHashSet<>();
        names.add(modelId);
        names.addAll(aliases);
        return names;
    }

    /** Whether http(s) image URLs for host are fetched (exact name, or a "*.domain" entry for its subdomains). */
    public boolean allowsImageHost(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String h = normaliseHost(host);
        for (String allowed : imageUrlAllowHosts) {
            if (allowed.startsWith("*.") ? h.endsWith(allowed.substring(1)) : h.equals(allowed)) {
                return true;
            }
        }
        return false;
    }

    static String normaliseHost(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.endsWith(".") && h.length() > 1) {
            h = h.substring(0, h.length() - 1);
        }
        try {
            String prefix = h.startsWith("*.") ? "*." : "";
            return h.startsWith("[") ? h : prefix + IDN.toASCII(h.substring(prefix.length())).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return h; // refused by the host pattern
        }
    }

    private static String directoryName(String path) {
        try {
            Path name = Path.of(path.strip()).normalize().getFileName();
            return name == null || !MODEL_NAME.matcher(name.toString()).matches() ? FALLBACK_MODEL_ID : name.toString();
        } catch (InvalidPathException e) {
            return FALLBACK_MODEL_ID;
        }
    }

    private static void modelName(String key, String name) {
        if (name == null || !MODEL_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(key + "=" + name + ": a model name is 1 to 128 letters, digits "
                    + "and . _ - : / starting with a letter or digit");
        }
    }

    private static Optional<String> value(Function<String, Optional<String>> lookup, String key) {
        return lookup.apply(key).map(String::strip).filter(s -> !s.isEmpty());
    }

    private static List<String> list(String csv) {
        List<String> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }
}
