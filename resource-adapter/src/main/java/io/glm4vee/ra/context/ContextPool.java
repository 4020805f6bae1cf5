package io.glm4vee.ra.context;

import io.glm4vee.ra.api.InferenceException;
import io.glm4vee.ra.api.InferenceException.Code;

import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The device contexts of one adapter and how work is spread over them: a request goes to the
 * least loaded context in service (fewest running + queued requests; on a tie the caller's
 * leased context, then the one with fewer leases, then the lower index). A chat session's turns
 * always go to the context that holds its KV cache.
 */
public final class ContextPool {
    private final List<DeviceContext> contexts;

    public ContextPool(List<DeviceContext> contexts) {
        this.contexts = List.copyOf(contexts);
    }

    public List<DeviceContext> all() {
        return contexts;
    }

    public DeviceContext byId(String id) {
        for (DeviceContext c : contexts) {
            if (c.id().equals(id)) {
                return c;
            }
        }
        throw Errors.notFound("unknown context '" + id + "'; contexts: "
                + contexts.stream().map(DeviceContext::id).collect(Collectors.joining(", ")));
    }

    /**
     * For a new connection: the context with the fewest leases and least load, among those that
     * will serve. When none will (all drained or failed), still a lease on one of them: status
     * and admin calls (contexts, rebuild) must reach a drained adapter; chat on it fails
     * UNAVAILABLE in {@link #select}.
     */
    public DeviceContext forLease() {
        Comparator<DeviceContext> order = Comparator.comparingInt(DeviceContext::leases)
                .thenComparingInt(DeviceContext::load).thenComparingInt(DeviceContext::index);
        return contexts.stream().filter(DeviceContext::willServe).min(order)
                .or(() -> contexts.stream().min(order))
                .orElseThrow(this::noneInService);
    }

    /**
     * The context a request without a session should use: least loaded in service; when none is
     * in service yet (loading, rebuilding) the preferred or least loaded one that will serve, so
     * that the request waits for it (bounded).
     */
    public DeviceContext select(DeviceContext preferred) {
        Comparator<DeviceContext> order = Comparator.comparingInt(DeviceContext::load)
                .thenComparingInt(c -> c == preferred ? 0 : 1)
                .thenComparingInt(DeviceContext::leases)
                .thenComparingInt(DeviceContext::index);
        return contexts.stream().filter(DeviceContext::inService).min(order)
                .or(() -> contexts.stream().filter(DeviceContext::willServe).min(order))
                .orElseThrow(this::noneInService);
    }

    private InferenceException noneInService() {
        String states = contexts.stream()
                .map(c -> c.id() + " " + c.state() + (c.failure() == null ? "" : " (" + c.failure() + ")"))
                .collect(Collectors.joining("; "));
        return new InferenceException(Code.UNAVAILABLE, "no device context is in service: " + states, 30, null);
    }
}
