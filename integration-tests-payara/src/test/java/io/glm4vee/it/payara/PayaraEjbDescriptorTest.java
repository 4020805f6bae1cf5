package io.glm4vee.it.payara;

import io.glm4vee.ejb.InferenceService;
import io.glm4vee.ejb.InferenceServiceLocal;
import io.glm4vee.ejb.Roles;
import jakarta.annotation.security.RolesAllowed;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Payara EAR's additions to the EJB module's ejb-jar.xml (src/main/payara/ejb-beans.xml) stay in step
 * with the service: every operation of the local view that inference-user may call is listed as unchecked
 * (an operation missing there would refuse every unauthenticated caller on Payara only), and no
 * inference-admin operation is.
 */
class PayaraEjbDescriptorTest {

    private static final Path ADDITIONS = Path.of("src/main/payara/ejb-beans.xml");

    private static Set<String> unchecked() throws IOException {
        String xml = Files.readString(ADDITIONS);
        Matcher block = Pattern.compile("<method-permission>\\s*<unchecked/>(.*?)</method-permission>", Pattern.DOTALL)
                .matcher(xml);
        assertTrue(block.find(), "an unchecked method-permission in " + ADDITIONS);
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("<ejb-name>InferenceService</ejb-name><method-name>(\\w+)</method-name>")
                .matcher(block.group(1));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static boolean adminOnly(Method viewMethod) throws NoSuchMethodException {
        Method impl = InferenceService.class.getMethod(viewMethod.getName(), viewMethod.getParameterTypes());
        RolesAllowed roles = impl.getAnnotation(RolesAllowed.class);
        return roles != null && !Arrays.asList(roles.value()).contains(Roles.USER);
    }

    @Test
    void everyUserOperationIsOpenAndNoAdminOperationIs() throws Exception {
        Set<String> user = new TreeSet<>();
        Set<String> admin = new TreeSet<>();
        for (Method m : InferenceServiceLocal.class.getMethods()) {
            (adminOnly(m) ? admin : user).add(m.getName());
        }
        assertEquals(user, unchecked(), "unchecked operations in " + ADDITIONS);
        assertTrue(admin.containsAll(List.of("drain", "rebuild")), "admin operations: " + admin);
    }
}
