package io.glm4vee.config;

/**
 * A setting that cannot be used. The message always names the key, the value given and the
 * rule it breaks ({@code contexts=3: ... }), so an operator can fix server.xml without reading code.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final String value;

    public ConfigException(String key, Object value, String rule) {
        super(key + "=" + (value == null || "".equals(value) ? "(not set)" : value) + ": " + rule);
        this.key = key;
        this.value = value == null ? null : String.valueOf(value);
    }

    /** The setting's name as it appears in server.xml / the admin console. */
    public String key() {
        return key;
    }

    /** The offending value, or null when it was missing. */
    public String value() {
        return value;
    }
}
