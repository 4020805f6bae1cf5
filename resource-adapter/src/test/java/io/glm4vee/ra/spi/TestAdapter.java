package io.glm4vee.ra.spi;

import io.glm4vee.ra.api.ChatMessage;
import io.glm4vee.ra.api.ChatRequest;
import io.glm4vee.ra.api.ContextInfo;
import io.glm4vee.ra.api.InferenceConnection;
import io.glm4vee.ra.api.InferenceConnectionFactory;
import io.glm4vee.ra.api.InferenceException;
import jakarta.resource.ResourceException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/** A started adapter on the demo model in non-managed mode, as a test fixture. */
final class TestAdapter implements AutoCloseable {
    static final String RED = "examples/red_circle.png";
    static final String BLUE = "examples/blue_square.png";

    final Glm4vResourceAdapter ra = new Glm4vResourceAdapter();
    final TestBootstrap bootstrap = new TestBootstrap();
    final Glm4vManagedConnectionFactory mcf = new Glm4vManagedConnectionFactory();
    InferenceConnectionFactory cf;

    /** The demo model, found by walking up from the working directory. */
    static Path demoModel() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("models/glm4v-shapes-demo/config.json"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("models/glm4v-shapes-demo not found above " + Path.of("").toAbsolutePath());
        }
        return p.resolve("models/glm4v-shapes-demo");
    }

    static byte[] image(String example) {
        try {
            return Files.readAllBytes(demoModel().resolve(example));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Settings: tp 2 on cpu:0,cpu:1 unless configure changes them; starts and waits until every context is READY. */
    static TestAdapter start(Consumer<Glm4vResourceAdapter> configure) {
        TestAdapter t = begin(configure);
        try {
            t.awaitAllReady();
        } catch (AssertionError | RuntimeException e) {
            t.close();                      // its cards stay claimed otherwise, and the next test waits for them
            throw e;
        }
        return t;
    }

    /** Like start, but returns as soon as start() does, with the contexts still loading. */
    static TestAdapter begin(Consumer<Glm4vResourceAdapter> configure) {
        TestAdapter t = new TestAdapter();
        t.ra.setModelPath(demoModel().toString());
        t.ra.setRequestTimeoutSeconds(30);
        t.ra.setDeviceTimeoutSeconds(10);
        configure.accept(t.ra);
        try {
            t.ra.start(t.bootstrap);
            t.mcf.setResourceAdapter(t.ra);
            t.cf = (InferenceConnectionFactory) t.mcf.createConnectionFactory();
        } catch (ResourceException e) {
            throw new IllegalStateException(e);
        }
        return t;
    }

    void awaitAllReady() {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            List<ContextInfo> infos;
            try {
                infos = ra.runtime().contexts();        // not through a connection: that would take a lease
            } catch (ResourceException e) {
                throw new IllegalStateException(e);
            }
            if (infos.stream().allMatch(i -> i.state().equals("READY"))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail("contexts not ready: " + infos);
            }
            sleep(20);
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A managed connection of our own (as a server's pool holds them), for transaction tests. */
    Glm4vManagedConnection managedConnection() {
        try {
            return (Glm4vManagedConnection) mcf.createManagedConnection(null, null);
        } catch (ResourceException e) {
            throw new IllegalStateException(e);
        }
    }

    static InferenceConnection handle(Glm4vManagedConnection mc) {
        try {
            return (InferenceConnection) mc.getConnection(null, null);
        } catch (ResourceException e) {
            throw new IllegalStateException(e);
        }
    }

    static ChatRequest ask(String caller, String question, String example, String session, Integer maxTokens) {
        byte[] img = example == null ? null : image(example);
        return new ChatRequest(caller, List.of(new ChatMessage("user", question, img != null)), img, maxTokens, null,
                null, null, null, null, session);
    }

    /** "What is in the picture?" with these image bytes, caller "bad". */
    static ChatRequest askWith(byte[] image) {
        return new ChatRequest("bad", List.of(new ChatMessage("user", "What is in the picture?", true)), image, 24, null,
                null, null, null, null, null);
    }

    static InferenceException fails(InferenceException.Code code, org.junit.jupiter.api.function.Executable call) {
        InferenceException e = assertThrows(InferenceException.class, call);
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    @Override
    public void close() {
        ra.stop();
    }
}
