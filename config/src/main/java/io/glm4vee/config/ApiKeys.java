package io.glm4vee.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API keys of the REST API (MicroProfile Config key {@value #KEY}, environment variable
 * GLM4V_SECURITY_API_KEYS): a comma-separated list of {@code key:name:role} entries. The name is
 * the caller the key authenticates (quotas and sessions are per caller); the role is
 * {@value #USER} or {@value #ADMIN}. A key may be given as its SHA-256 instead,
 * {@code {sha256}<64 hex digits>:name:role}, so the configuration need not hold it in clear. Empty
 * (the default): no keys, the API is open.
 *
 * <p>Keys are kept only as SHA-256 digests and compared in constant time; no message of this
 * class contains a key.
 */
public final class ApiKeys {

    public static final String KEY = "glm4v.security.api-keys";
    public static final String USER = "inference-user";
    public static final String ADMIN = "inference-admin";
    /** Shortest key accepted in clear. */
    public static final int MIN_KEY_LENGTH = 16;
    private static final String SHA256 = "{sha256}";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    /** One configured key: the caller it stands for, its role and the SHA-256 of the key. */
    public record ApiKey(String name, String role, byte[] digest) {
        public ApiKey {
            digest = digest.clone();
        }

        public boolean isAdmin() {
            return ADMIN.equals(role);
        }

        @Override
        public String toString() {
            return name + " (" + role + ")";
        }
    }

    private final List<ApiKey> keys;

    private ApiKeys(List<ApiKey> keys) {
        this.keys = List.copyOf(keys);
    }

    public static ApiKeys none() {
        return new ApiKeys(List.of());
    }

    /**
     * Parses the configured value (null or blank: no keys).
     *
     * @throws ConfigException naming the entry by position and name, never showing a key
     */
    public static ApiKeys parse(String value) {
        if (value == null || value.isBlank()) {
            return none();
        }
        List<ApiKey> keys = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> digests = new HashSet<>();
        String[] entries = value.split(",");
        for (int i = 0; i < entries.length; i++) {
            String entry = entries[i].strip();
            String where = "entry " + (i + 1) + " of " + entries.length;
            if (entry.isEmpty()) {
                throw new ConfigException(KEY, where + " (empty)", "entries are key:name:role, comma separated");
            }
            String[] p = entry.split(":", -1);
            if (p.length != 3) {
                throw new ConfigException(KEY, where + " (key hidden)", "must be key:name:role (the key must not "
                        + "contain ':' or ','), found " + p.length + " part(s)");
            }
            String key = p[0].strip();
            String name = p[1].strip();
            String role = p[2].strip().toLowerCase(Locale.ROOT);
            where += " ('" + name + "')";
            if (!NAME.matcher(name).matches()) {
                throw new ConfigException(KEY, where, "the name must be 1..64 of A-Z a-z 0-9 . _ @ - (it becomes the "
                        + "caller name)");
            }
            if (!role.equals(USER) && !role.equals(ADMIN)) {
                throw new ConfigException(KEY, where, "the role '" + p[2].strip() + "' is not " + USER + " or " + ADMIN);
            }
            byte[] digest = digest(key, where);
            if (!names.add(name)) {
                throw new ConfigException(KEY, where, "the name is used by another key");
            }
            if (!digests.add(HexFormat.of().formatHex(digest))) {
                throw new ConfigException(KEY, where, "the key is the same as another entry's");
            }
            keys.add(new ApiKey(name, role, digest));
        }
        return new ApiKeys(keys);
    }

    private static byte[] digest(String key, String where) {
        if (key.startsWith(SHA256)) {
            String hex = key.substring(SHA256.length());
            if (!hex.matches("[0-9a-fA-F]{64}")) {
                throw new ConfigException(KEY, where, "a {sha256} key must be 64 hex digits");
            }
            return HexFormat.of().parseHex(hex);
        }
        if (key.length() < MIN_KEY_LENGTH || key.chars().anyMatch(Character::isWhitespace)) {
            throw new ConfigException(KEY, where, "the key must have at least " + MIN_KEY_LENGTH
                    + " characters and no spaces");
        }
        return sha256(key);
    }

    /** SHA-256 of a key's UTF-8 bytes (what {sha256} entries hold, in hex). */
    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** No keys configured: the API is open. */
    public boolean isEmpty() {
        return keys.isEmpty();
    }

    public int size() {
        return keys.size();
    }

    /** The key's entry, or empty; every configured key is compared, each in constant time. */
    public Optional<ApiKey> match(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] d = sha256(presented);
        ApiKey found = null;
        for (ApiKey k : keys) {
            if (MessageDigest.isEqual(k.digest, d)) {
                found = k;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Names and roles, for the start-up log (never the keys). */
    @Override
    public String toString() {
        return keys.isEmpty() ? "no API keys (open)" : keys.size() + " API key(s): " + keys;
    }
}
