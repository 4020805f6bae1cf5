package io.glm4vee.ascend.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

/**
 * What Liberty does on a config change: the application's class loader goes and a new one loads
 * the same jars. Two URLClassLoaders over this module's classes and JavaCPP each acquire AscendCL:
 * the second finds it initialised (aclInit's 100002) and uses it.
 */
class TwoClassLoadersTest {

    private static URLClassLoader loader() throws Exception {
        Path classes = Paths.get(AscendRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path javacpp = Paths.get(Loader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return new URLClassLoader(new URL[] {classes.toUri().toURL(), javacpp.toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
    }

    private static Object call(Class<?> c, Object target, String name) throws Exception {
        Method m = c.getMethod(name);
        return m.invoke(target);
    }

    @Test
    void aSecondClassLoaderStartsAscendClWhileTheFirstStillHoldsIt() throws Exception {
        assertEquals(0, AscendRuntime.holders(), "the test class loader must not hold AscendCL meanwhile");
        try (URLClassLoader a = loader(); URLClassLoader b = loader()) {
            Class<?> ra = a.loadClass(AscendRuntime.class.getName());
            Class<?> rb = b.loadClass(AscendRuntime.class.getName());
            assertNotSame(ra, rb);
            Object first = call(ra, null, "acquire");
            assertTrue((Boolean) call(ra, null, "initializedHere"));
            Object second = call(rb, null, "acquire");         // aclInit: 100002, accepted
            assertFalse((Boolean) call(rb, null, "initializedHere"));
            assertTrue(((Number) call(rb, second, "deviceCount")).intValue() > 0);
            call(rb, second, "close");                         // b does not finalise a's AscendCL
            assertTrue(((Number) call(ra, first, "deviceCount")).intValue() > 0);
            call(ra, first, "close");
            assertEquals(0, ((Number) call(ra, null, "holders")).intValue());
        }
    }
}
