package io.glm4vee.ascend.runtime;

import io.glm4vee.ascend.acl.Hccl;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * An HCCL communicator over cards of this process ({@code HcclCommInitAll}): rank {@code r} is
 * {@code cards.get(r)}. Collectives are queued on the rank's card stream; every rank must issue
 * the same collectives in the same order. {@link #name()} is the group name
 * {@code aclnnMatmulAllReduce} takes. {@link #close()} destroys every rank's communicator.
 *
 * <p>Each rank's communicator is also owned by its card: {@link NpuCard#close()} destroys it on
 * the card's own thread after the stream is idle (or destroyed), so a communicator never goes
 * while a collective queued on that stream still uses it. A rank's queue-and-destroy are
 * serialised by that rank's lock, so {@link #close()} from another thread cannot destroy a
 * communicator in the middle of an enqueue.
 */
public final class HcclGroup implements AutoCloseable {
    private final List<NpuCard> cards;
    private final Pointer[] comms;
    private final String name;
    private final Object[] rankLocks;
    private final boolean[] rankDestroyed;   // guarded by rankLocks[r]
    private final RankCloser[] closers;
    private volatile boolean closed;

    private HcclGroup(List<NpuCard> cards, Pointer[] comms, String name) {
        this.cards = cards;
        this.comms = comms;
        this.name = name;
        this.rankLocks = new Object[comms.length];
        this.rankDestroyed = new boolean[comms.length];
        this.closers = new RankCloser[comms.length];
        for (int r = 0; r < comms.length; r++) {
            rankLocks[r] = new Object();
            closers[r] = new RankCloser(r);
            cards.get(r).own(closers[r]);
        }
    }

    /** Destroys one rank's communicator when its card closes (after the card's stream is idle or gone). */
    private final class RankCloser implements AutoCloseable {
        final int rank;

        RankCloser(int rank) {
            this.rank = rank;
        }

        @Override
        public void close() {
            int rc = destroyRank(rank);
            if (rc != 0) {
                throw new AclException("HcclCommDestroy", rc, AclException.recentErrMsg(), name + " rank " + rank);
            }
        }
    }

    /** HcclCommDestroy of rank r's communicator, once; 0 or the HCCL status. */
    private int destroyRank(int r) {
        synchronized (rankLocks[r]) {
            if (rankDestroyed[r]) {
                return 0;
            }
            rankDestroyed[r] = true;
            return Hccl.HcclCommDestroy(comms[r]);
        }
    }

    private interface CommCall {
        int call(Pointer comm);
    }

    /** Runs an enqueue with rank {@code card}'s communicator, under the rank's lock (no destroy in between). */
    private int withComm(NpuCard card, CommCall call) {
        int r = rankOf(card);
        synchronized (rankLocks[r]) {
            if (closed || rankDestroyed[r]) {
                throw new IllegalStateException("HCCL group " + name + " is closed");
            }
            return call.call(comms[r]);
        }
    }

    /** One communicator per card, rank = position in {@code cards}. */
    public static HcclGroup create(List<NpuCard> cards) {
        List<NpuCard> ranks = List.copyOf(cards);
        if (ranks.isEmpty()) {
            throw new IllegalArgumentException("an HCCL group needs at least one card");
        }
        int n = ranks.size();
        int[] devices = new int[n];
        for (int r = 0; r < n; r++) {
            devices[r] = ranks.get(r).deviceId();
        }
        Pointer[] comms = new Pointer[n];
        try (IntPointer devs = new IntPointer(devices); PointerPointer<Pointer> out = new PointerPointer<>(n)) {
            AclException.check(Hccl.HcclCommInitAll(n, devs, out), "HcclCommInitAll", "devices " + java.util.Arrays.toString(devices));
            for (int r = 0; r < n; r++) {
                comms[r] = new Pointer(out.get(r));
            }
        }
        try (BytePointer buf = new BytePointer(Hccl.HCCL_COMM_NAME_MAX_LENGTH)) {
            int rc = Hccl.HcclGetCommName(comms[0], buf);
            if (rc != 0) {
                String msg = AclException.recentErrMsg();
                for (Pointer c : comms) {
                    Hccl.HcclCommDestroy(c);
                }
                throw new AclException("HcclGetCommName", rc, msg, null);
            }
            return new HcclGroup(ranks, comms, buf.getString());
        }
    }

    public String name() {
        return name;
    }

    public int size() {
        return cards.size();
    }

    public List<NpuCard> cards() {
        return cards;
    }

    /** The rank of {@code card} in this group. */
    public int rankOf(NpuCard card) {
        int r = cards.indexOf(card);
        if (r < 0) {
            throw new IllegalArgumentException(card + " is not in HCCL group " + name);
        }
        return r;
    }

    /** Queues {@code HcclAllReduce} of {@code count} elements on the card's stream (recv may be send). */
    public void allReduce(NpuCard card, DeviceBuffer send, DeviceBuffer recv, long count, DType dtype, int reduceOp) {
        send.checkRange(0, count * dtype.bytes());
        recv.checkRange(0, count * dtype.bytes());
        card.makeCurrent();
        AclException.check(withComm(card, c -> Hccl.HcclAllReduce(send.address(), recv.address(), count,
                dtype.hcclType(), reduceOp, c, card.stream())), "HcclAllReduce", card + " in " + name);
        if (card.launchBlocking()) {
            card.synchronizeBounded("HcclAllReduce", describe(card, count, dtype));
        }
    }

    /** Queues {@code HcclAllGather}: recv holds every rank's {@code count} elements in rank order. */
    public void allGather(NpuCard card, DeviceBuffer send, DeviceBuffer recv, long count, DType dtype) {
        send.checkRange(0, count * dtype.bytes());
        recv.checkRange(0, count * dtype.bytes() * size());
        card.makeCurrent();
        AclException.check(withComm(card, c -> Hccl.HcclAllGather(send.address(), recv.address(), count,
                dtype.hcclType(), c, card.stream())), "HcclAllGather", card + " in " + name);
        if (card.launchBlocking()) {
            card.synchronizeBounded("HcclAllGather", describe(card, count, dtype));
        }
    }

    /** Queues {@code HcclBroadcast} of rank {@code root}'s {@code count} elements into every rank's buffer. */
    public void broadcast(NpuCard card, DeviceBuffer buffer, long count, DType dtype, int root) {
        buffer.checkRange(0, count * dtype.bytes());
        card.makeCurrent();
        AclException.check(withComm(card, c -> Hccl.HcclBroadcast(buffer.address(), count, dtype.hcclType(), root,
                c, card.stream())), "HcclBroadcast", card + " in " + name);
        if (card.launchBlocking()) {
            card.synchronizeBounded("HcclBroadcast", describe(card, count, dtype) + ", root " + root);
        }
    }

    private String describe(NpuCard card, long count, DType dtype) {
        return card + " (rank " + rankOf(card) + ") in HCCL group " + name + ": count " + count + ", dtype " + dtype;
    }

    /** Refuses every later collective of this group; the communicators go with their cards (see the class comment). */
    public void refuseCollectives() {
        closed = true;
    }

    /**
     * Destroys every rank's communicator now, on the calling thread: only when no collective of
     * the group is still queued (the ranks' streams synchronised), else leave it to the cards' close.
     */
    @Override
    public void close() {
        closed = true;
        int firstRc = 0;
        String firstMsg = "";
        for (int r = 0; r < comms.length; r++) {
            int rc = destroyRank(r);
            cards.get(r).disown(closers[r]);
            if (rc != 0 && firstRc == 0) {
                firstRc = rc;
                firstMsg = AclException.recentErrMsg();
            }
        }
        if (firstRc != 0) {
            throw new AclException("HcclCommDestroy", firstRc, firstMsg, name);
        }
    }

    @Override
    public String toString() {
        return "HcclGroup(" + name + ", " + cards + ")";
    }
}
