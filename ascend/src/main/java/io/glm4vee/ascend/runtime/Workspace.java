package io.glm4vee.ascend.runtime;

import io.glm4vee.ascend.acl.Acl;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * A card's op workspace: device memory sized by the largest {@code GetWorkspaceSize} seen so far
 * (grow-only). Ops on one stream run in order, so they can all share it. When it grows, the old
 * block may still be in use by queued ops: it is retired, not freed, and freed at the card's
 * next successful synchronise (or its close), so growing never waits for the stream (which could
 * sit in a collective whose other ranks this thread has yet to launch).
 */
public final class Workspace implements AutoCloseable {
    private final NpuCard card;
    private Pointer block;
    private long bytes;
    private final java.util.List<Pointer> retired = new java.util.ArrayList<>();

    Workspace(NpuCard card) {
        this.card = card;
    }

    /** A workspace of at least {@code need} bytes (null when {@code need} is 0). */
    public Pointer ensure(long need) {
        if (need <= 0) {
            return null;
        }
        if (need > bytes) {
            long size = Math.max(need, Math.min(2 * bytes, need + (256L << 20)));
            if (block != null) {
                retired.add(block);
                block = null;
                bytes = 0;
            }
            card.makeCurrent();
            try (PointerPointer<Pointer> out = new PointerPointer<>(1)) {
                AclException.check(Acl.aclrtMalloc(out, size, Acl.ACL_MEM_MALLOC_HUGE_FIRST), "aclrtMalloc",
                        card + " workspace of " + size + " bytes");
                block = new Pointer(out.get(0));
                bytes = size;
            }
        }
        return block;
    }

    /** Bytes held now. */
    public long bytes() {
        return bytes;
    }

    /** Frees the blocks replaced by a larger one; called once the stream has drained. */
    void releaseRetired() {
        while (!retired.isEmpty()) {
            AclException.check(Acl.aclrtFree(retired.remove(retired.size() - 1)), "aclrtFree", card + " workspace");
        }
    }

    @Override
    public void close() {
        releaseRetired();
        if (block != null) {
            Pointer b = block;
            block = null;
            bytes = 0;
            AclException.check(Acl.aclrtFree(b), "aclrtFree", card + " workspace");
        }
    }
}
