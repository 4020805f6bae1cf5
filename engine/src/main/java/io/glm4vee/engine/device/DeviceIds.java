package io.glm4vee.engine.device;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Card ids ("cpu:0") as users list and choose them, the same way Ascend cards ("npu:0") will be. */
public final class DeviceIds {
    private DeviceIds() {
    }

    /** cpu:0..cpu:n-1 */
    public static List<String> firstCpus(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add("cpu:" + i);
        }
        return ids;
    }

    /** "cpu:0,cpu:1" -> [cpu:0, cpu:1], validated. */
    public static List<String> parse(String csv) {
        List<String> ids = new ArrayList<>();
        for (String s : csv.split(",")) {
            ids.add(s.trim());
        }
        check(ids);
        return ids;
    }

    static void check(List<String> ids) {
        if (ids.isEmpty()) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "no devices given");
        }
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            if (!id.matches("cpu:\\d+")) {
                throw new EngineException(ErrorCode.BAD_REQUEST, "device '" + id + "' is not available: this build has "
                        + "CPU cards only (cpu:0, cpu:1, ...); Ascend cards (npu:N) need the ascend backend");
            }
            if (!seen.add(id)) {
                throw new EngineException(ErrorCode.BAD_REQUEST, "device " + id + " is listed twice");
            }
        }
    }
}
