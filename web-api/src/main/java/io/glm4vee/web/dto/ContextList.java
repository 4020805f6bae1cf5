package io.glm4vee.web.dto;

import io.glm4vee.ra.api.ContextInfo;

import java.util.List;

/**
 * Answer of GET /api/v1/contexts: {"contexts": [{"id", "devices", "state", "active", "queued",
 * "sessions", "served", "failure"?}]}; state is LOADING, READY, DRAINING, FAILED, REBUILDING or STOPPED.
 */
public record ContextList(List<Context> contexts) {

    public record Context(String id, List<String> devices, String state, int active, int queued, int sessions,
                          long served, String failure) {

        public static Context of(ContextInfo c) {
            return new Context(c.id(), c.devices(), c.state(), c.active(), c.queued(), c.sessions(), c.served(),
                    c.failure());
        }
    }

    public static ContextList of(List<ContextInfo> contexts) {
        return new ContextList(contexts.stream().map(Context::of).toList());
    }
}
