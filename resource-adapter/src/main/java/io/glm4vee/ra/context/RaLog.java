package io.glm4vee.ra.context;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The adapter's log messages. Each has a stable id (GLM4V-RA-nnnn plus I/W/E, as Liberty's own
 * messages do) that operators can grep for and alert on; the text after it may change.
 */
public final class RaLog {
    public static final Logger LOG = Logger.getLogger("io.glm4vee.ra");

    private RaLog() {
    }

    public static void info(String id, String message) {
        LOG.log(Level.INFO, () -> "GLM4V-RA-" + id + "I: " + message);
    }

    public static void warn(String id, String message) {
        LOG.log(Level.WARNING, () -> "GLM4V-RA-" + id + "W: " + message);
    }

    public static void warn(String id, String message, Throwable cause) {
        LOG.log(Level.WARNING, "GLM4V-RA-" + id + "W: " + message, cause);
    }

    public static void error(String id, String message, Throwable cause) {
        LOG.log(Level.SEVERE, "GLM4V-RA-" + id + "E: " + message, cause);
    }

    public static void fine(String id, String message) {
        LOG.log(Level.FINE, () -> "GLM4V-RA-" + id + "I: " + message);
    }

    // Message ids, one place, so two messages never share one.
    public static final String ADAPTER_STARTING = "0001";
    public static final String ADAPTER_STOPPED = "0002";
    public static final String UNUSED_DEVICES = "0003";
    public static final String SMALL_KV_BUDGET = "0004";
    public static final String SETTINGS_INVALID = "0010";
    public static final String CONTEXT_LOADING = "0011";
    public static final String CONTEXT_READY = "0012";
    public static final String CONTEXT_LOAD_FAILED = "0013";
    public static final String CONTEXT_DEVICE_FAILED = "0014";
    public static final String CONTEXT_REBUILT = "0015";
    public static final String CONTEXT_REBUILD_FAILED = "0016";
    public static final String CONTEXT_DRAINING = "0017";
    public static final String DRAIN_BOUND_EXCEEDED = "0018";
    public static final String STOP_BOUND_EXCEEDED = "0019";
    public static final String CONTEXT_CLOSING = "0021";
    public static final String CARDS_HELD = "0022";
    public static final String BACKGROUND_FALLBACK = "0020";
    public static final String SESSION_KV_EVICTED = "0030";
    public static final String SESSION_ROLLBACK_DROPPED_KV = "0031";
    public static final String JOB_FAILED = "0040";
    public static final String JOBS_REJECTED = "0041";
    public static final String CONNECTION_ERROR = "0050";
    public static final String TX_STATE = "0060";
}
