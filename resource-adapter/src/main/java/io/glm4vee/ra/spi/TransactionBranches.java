package io.glm4vee.ra.spi;

import io.glm4vee.ra.context.UnitOfWork;

import javax.transaction.xa.Xid;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The adapter's XA branches by Xid. Branch state lives here, not in one ManagedConnection, so a
 * transaction manager may join a branch from another connection of the same adapter (isSameRM).
 */
final class TransactionBranches {
    /** Xid implementations need not define equals; compare by value. */
    record Key(int formatId, byte[] gtrid, byte[] bqual) {
        static Key of(Xid xid) {
            return new Key(xid.getFormatId(), xid.getGlobalTransactionId(), xid.getBranchQualifier());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.formatId == formatId && Arrays.equals(k.gtrid, gtrid)
                    && Arrays.equals(k.bqual, bqual);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * formatId + Arrays.hashCode(gtrid)) + Arrays.hashCode(bqual);
        }

        @Override
        public String toString() {
            return "xid " + formatId + ":" + hex(gtrid) + ":" + hex(bqual);
        }

        private static String hex(byte[] b) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < Math.min(b.length, 12); i++) {
                sb.append(String.format("%02x", b[i]));
            }
            return sb.toString();
        }
    }

    private final ConcurrentHashMap<Key, UnitOfWork> branches = new ConcurrentHashMap<>();

    /** A new branch, or null when the Xid is already known. */
    UnitOfWork create(Xid xid) {
        Key k = Key.of(xid);
        UnitOfWork uow = new UnitOfWork(k.toString());
        return branches.putIfAbsent(k, uow) == null ? uow : null;
    }

    UnitOfWork get(Xid xid) {
        return branches.get(Key.of(xid));
    }

    void remove(Xid xid) {
        branches.remove(Key.of(xid));
    }

    int size() {
        return branches.size();
    }

    /** The adapter stops: whatever was not completed is undone. */
    void rollbackAll() {
        branches.values().forEach(UnitOfWork::rollback);
        branches.clear();
    }
}
