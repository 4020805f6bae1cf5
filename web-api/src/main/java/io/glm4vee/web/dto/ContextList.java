package io.glm4vee.web.dto;

import io.glm4vee.ra.api.ContextInfo;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/**
 * Answer of GET /api/v1/contexts: {"contexts": [{"id", "devices", "state", "active", "queued",
 * "sessions", "served", "failure"?}]}; state is LOADING, READY, DRAINING, FAILED, REBUILDING or STOPPED.
 */
@Schema(name = "ContextList", description = "The device contexts (model replicas)")
public record ContextList(@Schema(description = "every device context, in index order") List<Context> contexts) {

    @Schema(name = "Context", description = "One device context: a model replica on its own cards")
    public record Context(@Schema(example = "ctx-0") String id,
                          @Schema(description = "its cards, e.g. [cpu:0, cpu:1]") List<String> devices,
                          @Schema(enumeration = {"LOADING", "READY", "DRAINING", "FAILED", "REBUILDING", "STOPPED"})
                          String state,
                          @Schema(description = "requests running (0 or 1)") int active,
                          @Schema(description = "requests waiting") int queued,
                          @Schema(description = "open chat sessions it holds") int sessions,
                          @Schema(description = "requests it has run") long served,
                          @Schema(description = "why it failed, when it did") String failure) {

        public static Context of(ContextInfo c) {
            return new Context(c.id(), c.devices(), c.state(), c.active(), c.queued(), c.sessions(), c.served(),
                    c.failure());
        }
    }

    public static ContextList of(List<ContextInfo> contexts) {
        return new ContextList(contexts.stream().map(Context::of).toList());
    }
}
