package io.glm4vee.ra.context;

import io.glm4vee.engine.device.Device;
import io.glm4vee.engine.device.DeviceGroup;

/**
 * Counters of a device context that must outlive its device group: busy time and ops per card,
 * and contiguity copies of the fused matmul + all-reduce. A rebuild replaces the group (whose
 * own counters start at zero); the old group's totals are kept here, so the sums never go down.
 * Not thread-safe: the owning context guards it with its lock.
 */
final class GroupCounters {
    private final long[] busyNanos;
    private final long[] ops;
    private long copies;
    private DeviceGroup retired;

    GroupCounters(int cards) {
        busyNanos = new long[cards];
        ops = new long[cards];
    }

    /** Adds a group's counters, once (a failed rebuild keeps the same group, retired already). */
    void retire(DeviceGroup g) {
        if (g == null || g == retired) {
            return;
        }
        retired = g;
        copies += g.layout().contiguousCopies();
        for (int r = 0; r < Math.min(g.size(), busyNanos.length); r++) {
            Device d = g.device(r);
            busyNanos[r] += d.busyNanos();
            ops[r] += d.opsRun();
        }
    }

    /** The live group, unless its counters are already retired; null counts nothing. */
    private DeviceGroup live(DeviceGroup g) {
        return g == retired ? null : g;
    }

    long contiguousCopies(DeviceGroup group) {
        DeviceGroup g = live(group);
        return copies + (g == null ? 0 : g.layout().contiguousCopies());
    }

    long busyNanos(DeviceGroup group, int rank) {
        DeviceGroup g = live(group);
        return busyNanos[rank] + (g == null || rank >= g.size() ? 0 : g.device(rank).busyNanos());
    }

    long opsRun(DeviceGroup group, int rank) {
        DeviceGroup g = live(group);
        return ops[rank] + (g == null || rank >= g.size() ? 0 : g.device(rank).opsRun());
    }
}
