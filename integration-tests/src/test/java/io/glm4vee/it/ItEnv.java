package io.glm4vee.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the tests find things, from the system properties failsafe sets (integration-tests/pom.xml).
 * Client side only: in-container code must not use it (the server JVM has none of these properties).
 */
public final class ItEnv {

    private ItEnv() {
    }

    /** The EAR built by the ear module, copied to target/deploy/glm4v.ear. */
    public static Path ear() {
        return Path.of(required("glm4v.it.ear"));
    }

    /** The repository root. */
    public static Path repo() {
        return Path.of(required("glm4v.it.repo")).toAbsolutePath().normalize();
    }

    /** The test server's base URL, e.g. http://127.0.0.1:19080/ */
    public static URI baseUri() {
        return URI.create("http://127.0.0.1:" + required("glm4v.it.port") + "/");
    }

    /** The directory of the running test server (logs/state holds its local JMX address). */
    public static Path serverDir() {
        return Path.of(required("glm4v.it.wlp"), "usr", "servers", required("glm4v.it.server"));
    }

    /**
     * Descriptors the probe WAR needs in WEB-INF on this server: the files of the directory named by
     * glm4v.it.probe-web-inf (the server's bindings of the probe's resource references); none when it is not set.
     */
    public static List<Path> probeWebInf() {
        String dir = System.getProperty("glm4v.it.probe-web-inf");
        if (dir == null || dir.isBlank()) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(Path.of(dir))) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A picture of the demo model's examples directory, e.g. red_circle.png. */
    public static Path example(String name) {
        return repo().resolve("models/glm4v-shapes-demo/examples").resolve(name);
    }

    public static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String required(String key) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + key + " is not set: run the tests through "
                    + "failsafe (mvn verify), which sets it (integration-tests/pom.xml)");
        }
        return v;
    }
}
