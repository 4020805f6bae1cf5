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
 */
public final class AscendRuntime implements AutoCloseable {
    private static final Object LOCK = new Object();
    private static int holders;

    private final AtomicBoolean closed = new AtomicBoolean();

    private AscendRuntime() {
    }

    /** Initialises AscendCL if no one holds it yet; close the result to release it. */
    public static AscendRuntime acquire() {
        loadNatives();
        synchronized (LOCK) {
            if (holders == 0) {
                AclException.check(Acl.aclInit((BytePointer) null), "aclInit");
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
            if (--holders == 0) {
                AclException.check(Acl.aclFinalize(), "aclFinalize");
            }
        }
    }
}
