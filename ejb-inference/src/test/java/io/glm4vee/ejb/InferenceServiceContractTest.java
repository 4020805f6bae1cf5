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
        assertEquals(Set.of("inference-user", "inference-admin"), Set.of(c.getAnnotation(DeclareRoles.class).value()));
        assertEquals(Set.of("inference-user", "inference-admin"), Set.of(c.getAnnotation(RolesAllowed.class).value()));

        Class<RemoteInferenceService> r = RemoteInferenceService.class;
        assertNotNull(r.getAnnotation(Stateless.class));
        assertArrayEquals(new Class<?>[]{InferenceServiceRemote.class}, r.getAnnotation(Remote.class).value());
        assertEquals(Set.of("inference-user", "inference-admin"), Set.of(r.getAnnotation(RolesAllowed.class).value()));
    }

    @Test
    void bothViewsHaveTheSameRolesAndTransactionAttributes() throws Exception {
        for (Method remote : InferenceServiceRemote.class.getMethods()) {
            Method impl = RemoteInferenceService.class.getMethod(remote.getName(), remote.getParameterTypes());
            Method local = java.util.Arrays.stream(InferenceService.class.getMethods())
                    .filter(m -> m.getName().equals(remote.getName()) && m.getParameterCount() == remote.getParameterCount())
                    .findFirst().orElseThrow();
            assertEquals(tx(local), txOf(RemoteInferenceService.class, impl), remote.getName());
            assertEquals(roles(InferenceService.class, local), roles(RemoteInferenceService.class, impl), remote.getName());
            assertEquals(local.isAnnotationPresent(Asynchronous.class), impl.isAnnotationPresent(Asynchronous.class),
                    remote.getName());
        }
    }

    private static TransactionAttributeType txOf(Class<?> bean, Method m) {
        TransactionAttribute a = m.getAnnotation(TransactionAttribute.class);
        return a != null ? a.value() : bean.getAnnotation(TransactionAttribute.class).value();
    }

    private static Set<String> roles(Class<?> bean, Method m) {
        RolesAllowed a = m.getAnnotation(RolesAllowed.class);
        return Set.of(a != null ? a.value() : bean.getAnnotation(RolesAllowed.class).value());
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

    /** Liberty's ORB (Yoko) fails on records: "can't get field offset on a record class". */
    @Test
    void theRemoteViewUsesOnlySerializableTypesWithoutRecords() {
        for (Method m : InferenceServiceRemote.class.getMethods()) {
            for (Type t : m.getGenericParameterTypes()) {
                assertMarshallable(m, t);
            }
            assertMarshallable(m, m.getGenericReturnType());
        }
    }

    private static void assertMarshallable(Method m, Type t) {
        if (t instanceof ParameterizedType p) {
            Class<?> raw = (Class<?>) p.getRawType();
            assertTrue(raw == List.class || raw == Future.class, m + ": " + t);
            Arrays.stream(p.getActualTypeArguments()).forEach(a -> assertMarshallable(m, a));
            return;
        }
        Class<?> c = (Class<?>) t;
        if (c.isPrimitive() || c == void.class || c == String.class || c == byte[].class) {
            return;
        }
        assertTrue(Serializable.class.isAssignableFrom(c), m + ": " + t + " is not Serializable");
        assertTrue(!c.isRecord(), m + ": " + t + " is a record");
        for (java.lang.reflect.Field f : c.getDeclaredFields()) {
            if (!java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
                assertMarshallable(m, f.getGenericType() instanceof ParameterizedType p
                        && p.getRawType() == java.util.ArrayList.class ? p.getActualTypeArguments()[0] : f.getType());
            }
        }
    }
}
