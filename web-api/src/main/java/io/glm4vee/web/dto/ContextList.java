package io.glm4vee.web.dto;

import io.glm4vee.ra.api.ContextInfo;
import io.glm4vee.web.pool.ServerPool;
import jakarta.json.bind.annotation.JsonbProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * Answer of GET /api/v1/contexts: {"contexts": [{"id", "devices", "state", "active", "queued",
 * "sessions", "served", "failure"?}], "adapter": {property: value}, "pool": {"max_size", "size",
 * "available", "source"}?}; state is LOADING, READY, DRAINING, FAILED, REBUILDING or STOPPED.
 * "adapter" holds the resource adapter's properties in effect (by their server.xml / console
 * names), "pool" the server's connection pool of eis/glm4v when the server reports it (Open
 * Liberty), so that a configuration change can be seen to have arrived.
 */
@Schema(name = "ContextList", description = "The device contexts (model replicas), the adapter's settings and the pool")
public record ContextList(@Schema(description = "every device context, in index order") List<Context> contexts,
                          @Schema(description = "the resource adapter's properties in effect, by property name "
                                  + "(modelPath, devices, tensorParallelSize, contexts, queueDepth, ...)")
                          Map<String, String> adapter,
                          @Schema(description = "the server's connection pool of eis/glm4v; absent when the "
                                  + "server does not report it") Pool pool) {

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

    @Schema(name = "Pool", description = "The server's connection pool of the adapter's connection factory")
    public record Pool(@Schema(description = "the configured maximum (server.xml connectionManager maxPoolSize)")
                       @JsonbProperty("max_size") long maxSize,
                       @Schema(description = "connections in the pool now, in use or free") long size,
                       @Schema(description = "connections free now") long available,
                       @Schema(description = "where the figures come from", example = "liberty") String source) {

        public static Pool of(ServerPool.Reading r) {
            return new Pool(r.maxSize(), r.size(), r.available(), r.source());
        }
    }

    public static ContextList of(List<ContextInfo> contexts, Map<String, String> adapter, ServerPool.Reading pool) {
        return new ContextList(contexts.stream().map(Context::of).toList(), adapter,
                pool == null ? null : Pool.of(pool));
    }
}
