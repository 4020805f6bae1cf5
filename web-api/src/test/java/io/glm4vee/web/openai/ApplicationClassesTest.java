package io.glm4vee.web.openai;

import io.glm4vee.web.ApiApplication;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WAR has two JAX-RS applications that list their classes (scanning would give both every
 * provider, and /api would answer with OpenAI errors or /v1 with problems): every resource and
 * provider of the WAR is in exactly one list, and each list has one catch-all mapper.
 */
class ApplicationClassesTest {

    @Test
    void everyResourceAndProviderBelongsToExactlyOneApplication() throws Exception {
        Set<Class<?>> api = new ApiApplication().getClasses();
        Set<Class<?>> openai = new OpenAiApplication().getClasses();
        Set<Class<?>> both = new HashSet<>(api);
        both.retainAll(openai);
        assertEquals(Set.of(), both, "in both applications");

        java.nio.file.Path classes = java.nio.file.Path.of(ApiApplication.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI());
        List<Class<?>> jaxrs;
        try (Stream<java.nio.file.Path> files = Files.walk(classes)) {
            jaxrs = files.map(f -> classes.relativize(f).toString())
                    .filter(n -> n.endsWith(".class") && !n.contains("$"))
                    .map(n -> n.substring(0, n.length() - 6).replace(java.io.File.separatorChar, '.'))
                    .map(ApplicationClassesTest::load)
                    .filter(c -> c.isAnnotationPresent(Path.class) || c.isAnnotationPresent(Provider.class)
                            || ExceptionMapper.class.isAssignableFrom(c))
                    .toList();
        }
        assertTrue(jaxrs.size() > 10, "found " + jaxrs);
        for (Class<?> c : jaxrs) {
            assertTrue(api.contains(c) || openai.contains(c), c.getName() + " is in no application's getClasses()");
        }
    }

    @Test
    void pathsAndCatchAllMappers() {
        assertEquals("/api", ApiApplication.class.getAnnotation(ApplicationPath.class).value());
        assertEquals("/v1", OpenAiApplication.class.getAnnotation(ApplicationPath.class).value());
        assertEquals("chat/completions", CompletionsResource.class.getAnnotation(Path.class).value());
        assertEquals("models", ModelsResource.class.getAnnotation(Path.class).value());
        assertTrue(new OpenAiApplication().getClasses().contains(OpenAiErrorMapper.class));
        assertTrue(new ApiApplication().getClasses().contains(io.glm4vee.web.problem.FallbackExceptionMapper.class));
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ApplicationClassesTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
