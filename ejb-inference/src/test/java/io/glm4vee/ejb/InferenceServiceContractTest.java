package io.glm4vee.ejb;

import jakarta.annotation.Resource;
import jakarta.annotation.security.DeclareRoles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ejb.Asynchronous;
import jakarta.ejb.Local;
import jakarta.ejb.Remote;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The annotations are the contract other modules and the integration tests rely on. */
class InferenceServiceContractTest {

    private static Method method(String name, Class<?>... types) throws NoSuchMethodException {
        return InferenceService.class.getMethod(name, types);
    }

    private static TransactionAttributeType tx(Method m) {
        TransactionAttribute a = m.getAnnotation(TransactionAttribute.class);
        return a != null ? a.value() : InferenceService.class.getAnnotation(TransactionAttribute.class).value();
    }

    @Test
    void statelessWithLocalAndRemoteViews() {
        Class<InferenceService> c = InferenceService.class;
        assertNotNull(c.getAnnotation(Stateless.class));
        assertArrayEquals(new Class<?>[]{InferenceServiceLocal.class}, c.getAnnotation(Local.class).value());
        assertArrayEquals(new Class<?>[]{InferenceServiceRemote.class}, c.getAnnotation(Remote.class).value());
        assertEquals(Set.of("inference-user", "inference-admin"), Set.of(c.getAnnotation(DeclareRoles.class).value()));
        assertEquals(Set.of("inference-user", "inference-admin"), Set.of(c.getAnnotation(RolesAllowed.class).value()));
    }

    @Test
    void connectionFactoryIsLookedUpAtEisGlm4v() throws Exception {
        Resource r = InferenceService.class.getDeclaredField("factory").getAnnotation(Resource.class);
        assertEquals("eis/glm4v", r.lookup());
    }

    @Test
    void adminOperationsNeedTheAdminRoleAndRunOutsideTransactions() throws Exception {
        for (String name : List.of("drain", "rebuild")) {
            Method m = method(name, String.class);
            assertArrayEquals(new String[]{"inference-admin"}, m.getAnnotation(RolesAllowed.class).value(), name);
            assertEquals(TransactionAttributeType.NOT_SUPPORTED, tx(m), name);
        }
    }

    @Test
    void stateChangingCallsJoinTheCallersTransaction() throws Exception {
        assertEquals(TransactionAttributeType.REQUIRED, tx(method("chat", io.glm4vee.ra.api.ChatRequest.class)));
        assertEquals(TransactionAttributeType.REQUIRED, tx(method("chat", io.glm4vee.ra.api.ChatRequest.class,
                io.glm4vee.ra.api.TokenStream.class)));
        assertEquals(TransactionAttributeType.REQUIRED, tx(method("submit", io.glm4vee.ra.api.ChatRequest.class)));
        assertEquals(TransactionAttributeType.REQUIRED, tx(method("openSession")));
        assertEquals(TransactionAttributeType.SUPPORTS, tx(method("contexts")));
        assertNotNull(method("chatAsync", io.glm4vee.ra.api.ChatRequest.class).getAnnotation(Asynchronous.class));
    }

    @Test
    void theRemoteViewUsesOnlySerializableTypes() {
        for (Method m : InferenceServiceRemote.class.getMethods()) {
            for (Type t : m.getGenericParameterTypes()) {
                assertSerializable(m, t);
            }
            assertSerializable(m, m.getGenericReturnType());
        }
    }

    private static void assertSerializable(Method m, Type t) {
        if (t instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            assertTrue(raw == List.class || raw == Future.class, m + ": " + t);
            Arrays.stream(p.getActualTypeArguments()).forEach(a -> assertSerializable(m, a));
            return;
        }
        Class<?> c = (Class<?>) t;
        assertTrue(c.isPrimitive() || c == void.class || Serializable.class.isAssignableFrom(c), m + ": " + t);
    }
}
