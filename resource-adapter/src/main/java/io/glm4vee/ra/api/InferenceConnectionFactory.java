package io.glm4vee.ra.api;

import jakarta.resource.Referenceable;

import java.io.Serializable;

/**
 * What applications look up or inject (e.g. {@code @Resource(lookup = "java:app/eis/glm4v")})
 * to use GLM-4V. Each connection is a lease on one device context; close it promptly.
 */
public interface InferenceConnectionFactory extends Serializable, Referenceable {
    /**
     * @throws InferenceException UNAVAILABLE when no context can be leased within the pool's
     *                            wait bound, or the adapter is not started
     */
    InferenceConnection getConnection();
}
