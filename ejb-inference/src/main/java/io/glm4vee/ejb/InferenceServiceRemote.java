package io.glm4vee.ejb;

/**
 * The remote view (RMI-IIOP on Open Liberty's enterpriseBeansRemote-4.0). Arguments and results
 * are copied; failures arrive as InferenceException without engine-internal causes, whose
 * classes a remote client does not have.
 */
public interface InferenceServiceRemote extends InferenceOperations {
}
