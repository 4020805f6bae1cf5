package io.glm4vee.engine.backend;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The backends on the class path, by name. */
public final class Backends {
    public static final String DEFAULT = "cpu";

    private Backends() {
    }

    /** Names of the backends found, sorted ("ascend", "cpu"). */
    public static List<String> available() {
        return new ArrayList<>(load().keySet());
    }

    /** The backend of that name, or a BackendUnavailableException naming the available ones. */
    public static Backend get(String name) {
        String n = name == null ? DEFAULT : name.trim().toLowerCase(Locale.ROOT);
        TreeMap<String, Backend> all = load();
        Backend b = all.get(n);
        if (b == null) {
            throw new BackendUnavailableException(n, new ArrayList<>(all.keySet()), "is not on the classpath");
        }
        return b;
    }

    /** The backend whose cards have this prefix ("npu" -> ascend), or null. */
    public static String forPrefix(String prefix) {
        for (Backend b : load().values()) {
            if (b.devicePrefix().equals(prefix)) {
                return b.name();
            }
        }
        return switch (prefix) {
            case "cpu" -> "cpu";
            case "npu" -> "ascend";
            default -> null;
        };
    }

    private static TreeMap<String, Backend> load() {
        TreeMap<String, Backend> m = new TreeMap<>();
        ClassLoader cl = Backends.class.getClassLoader();
        try {
            for (Backend b : ServiceLoader.load(Backend.class, cl)) {
                m.putIfAbsent(b.name(), b);
            }
        } catch (ServiceConfigurationError e) {
            throw new EngineException(ErrorCode.BACKEND_UNAVAILABLE, "a backend on the class path cannot be loaded: "
                    + e.getMessage(), e);
        }
        if (!m.containsKey(DEFAULT)) {
            m.put(DEFAULT, new CpuBackend());          // the engine's own backend is always there
        }
        return m;
    }
}
