package io.glm4vee.ascend.runtime;

import io.glm4vee.ascend.acl.Acl;
import io.glm4vee.ascend.acl.AclConfig;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;

/**
 * AscendCL for this process: {@code aclInit} on the first {@link #acquire()}, {@code aclFinalize}
 * when the last holder closes (reference counted, so several owners in one JVM share it).
 * AscendCL is per process, but these counters are per class loader: when {@code aclInit} answers
 * {@code ACL_ERROR_REPEAT_INITIALIZE} (100002: another class loader of this JVM, e.g. the previous
 * incarnation of a restarted application, initialised it and has not finalised it), this loader
 * uses AscendCL as it is and never calls {@code aclFinalize}, which belongs to whoever initialised it.
 */
public final class AscendRuntime implements AutoCloseable {
    private static final Object LOCK = new Object();
    private static int holders;
    private static boolean initializedHere; // this loader's aclInit succeeded: it finalises

    private final AtomicBoolean closed = new AtomicBoolean();

    private AscendRuntime() {
    }

    /** Initialises AscendCL if no one holds it yet; close the result to release it. */
    public static AscendRuntime acquire() {
        loadNatives();
        synchronized (LOCK) {
            if (holders == 0) {
                int rc = Acl.aclInit((BytePointer) null);
                if (rc == Acl.ACL_ERROR_REPEAT_INITIALIZE) {
                    Acl.aclGetRecentErrMsg();        // consume the text, it is not this thread's next error
                    initializedHere = false;
                } else {
                    AclException.check(rc, "aclInit");
                    initializedHere = true;
                }
            }
            holders++;
        }
        return new AscendRuntime();
    }

    /**
     * Loads the JNI library (and the simulator or CANN's libraries it links), once; a failure
     * becomes an {@link IllegalStateException} that says what was loaded from where.
     */
    public static void loadNatives() {
        try {
            Loader.load(Acl.class);
        } catch (LinkageError e) {
            throw new IllegalStateException("cannot load the Ascend native libraries ("
                    + (AclConfig.SIMULATOR ? "libjniGlm4vAscend and libglm4v_cann_sim from glm4v-ascend.jar, linux-x86_64 only"
                            : "libjniGlm4vAscend linked to CANN: source CANN's set_env.sh so LD_LIBRARY_PATH finds libascendcl")
                    + "; JavaCPP extracts them under org.bytedeco.javacpp.cachedir, default ~/.javacpp/cache): " + e, e);
        }
    }

    /** Holders of AscendCL in this class loader (0 once every {@link #acquire()} is closed). */
    public static int holders() {
        synchronized (LOCK) {
            return holders;
        }
    }

    /**
     * True while this class loader holds AscendCL and its {@code aclInit} did the initialisation
     * (so its last {@link #close()} calls {@code aclFinalize}); false when it found AscendCL already
     * initialised (ACL_ERROR_REPEAT_INITIALIZE) or holds nothing.
     */
    public static boolean initializedHere() {
        synchronized (LOCK) {
            return holders > 0 && initializedHere;
        }
    }

    /** True when the native calls go to libglm4v_cann_sim rather than a real CANN. */
    public static boolean isSimulator() {
        return AclConfig.SIMULATOR;
    }

    /** {@code aclrtGetDeviceCount}. */
    public int deviceCount() {
        ensureOpen();
        try (IntPointer n = new IntPointer(1)) {
            AclException.check(Acl.aclrtGetDeviceCount(n), "aclrtGetDeviceCount");
            return n.get();
        }
    }

    /** Opens card {@code deviceId} (context and stream) on the calling thread. */
    public NpuCard openCard(int deviceId, boolean launchBlocking) {
        ensureOpen();
        return new NpuCard(this, deviceId, launchBlocking);
    }

    void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("AscendRuntime is closed");
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (LOCK) {
            if (--holders == 0 && initializedHere) {
                initializedHere = false;
                AclException.check(Acl.aclFinalize(), "aclFinalize");
            }
        }
    }
}
