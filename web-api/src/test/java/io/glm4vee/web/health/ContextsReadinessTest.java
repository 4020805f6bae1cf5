package io.glm4vee.web.health;

import io.glm4vee.ejb.InferenceServiceLocal;
import io.glm4vee.ra.api.ContextInfo;
import io.glm4vee.ra.api.InferenceException;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ContextsReadinessTest {

    private static ContextsReadiness probe(Supplier<List<ContextInfo>> contexts) {
        ContextsReadiness r = new ContextsReadiness();
        r.service = (InferenceServiceLocal) Proxy.newProxyInstance(ContextsReadinessTest.class.getClassLoader(),
                new Class<?>[]{InferenceServiceLocal.class}, (p, m, a) -> {
                    if (m.getName().equals("contexts")) {
                        return contexts.get();
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        return r;
    }

    private static ContextInfo context(String id, String state) {
        return new ContextInfo(id, List.of("cpu:0"), state, 0, 0, 0, 0, null);
    }

    @Test
    void upWhenOneContextIsReady() {
        HealthCheckResponse r = probe(() -> List.of(context("ctx-0", "FAILED"), context("ctx-1", "READY"))).call();
        assertEquals(HealthCheckResponse.Status.UP, r.getStatus());
        assertEquals("glm4v-contexts", r.getName());
        assertEquals(1L, r.getData().orElseThrow().get("READY"));
        assertEquals(2L, r.getData().orElseThrow().get("contexts"));
    }

    @Test
    void downWhileLoadingOrWithoutContexts() {
        assertEquals(HealthCheckResponse.Status.DOWN, probe(() -> List.of(context("ctx-0", "LOADING"))).call().getStatus());
        assertEquals(HealthCheckResponse.Status.DOWN, probe(List::of).call().getStatus());
    }

    @Test
    void downWhenTheServiceCannotBeAsked() {
        HealthCheckResponse r = probe(() -> {
            throw new InferenceException(InferenceException.Code.UNAVAILABLE, "adapter not started");
        }).call();
        assertEquals(HealthCheckResponse.Status.DOWN, r.getStatus());
        assertEquals("adapter not started", r.getData().orElseThrow().get("error"));
    }
}
