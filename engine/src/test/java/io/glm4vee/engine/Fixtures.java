package io.glm4vee.engine;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Test resources on the classpath as paths. */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path resource(String name) {
        URL url = Fixtures.class.getResource(name.startsWith("/") ? name : "/" + name);
        if (url == null) {
            throw new IllegalStateException("test resource " + name + " is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The demo model shipped at the repository root (models/glm4v-shapes-demo). */
    public static Path demoModel() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !p.resolve("models/glm4v-shapes-demo/config.json").toFile().exists()) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("models/glm4v-shapes-demo not found above " + Path.of("").toAbsolutePath());
        }
        return p.resolve("models/glm4v-shapes-demo");
    }
}
