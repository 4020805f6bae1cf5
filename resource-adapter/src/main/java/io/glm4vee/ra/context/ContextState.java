package io.glm4vee.ra.context;

/** Life of a device context; the names are what ContextInfo.state reports. */
public enum ContextState {
    /** The model replica is being read onto its cards (on the WorkManager). */
    LOADING,
    /** In service. */
    READY,
    /** Out of service by an admin drain: finishes queued work, takes no new work until rebuilt. */
    DRAINING,
    /** A card failed (or loading failed); a rebuild is scheduled or the failure is shown. */
    FAILED,
    /** A new device group is being built over the same mapped weights. */
    REBUILDING,
    /** The adapter stopped; the model is closed. */
    STOPPED
}
