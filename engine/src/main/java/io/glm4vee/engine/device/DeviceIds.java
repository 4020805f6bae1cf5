package io.glm4vee.engine.device;

import io.glm4vee.engine.EngineException;
import io.glm4vee.engine.ErrorCode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Card ids as users list and choose them: "cpu:0" for the CPU backend, "npu:0" for Ascend.
 * All cards of one group belong to one backend (one prefix).
 */
public final class DeviceIds {
    private DeviceIds() {
    }

    /** cpu:0..cpu:n-1 */
    public static List<String> firstCpus(int n) {
        return first("cpu", n);
    }

    /** prefix:0..prefix:n-1, e.g. npu:0..npu:3 */
    public static List<String> first(String prefix, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(prefix + ":" + i);
        }
        return ids;
    }

    /** "npu" of "npu:3". */
    public static String prefix(String id) {
        int c = id.indexOf(':');
        return c < 0 ? id : id.substring(0, c);
    }

    /** 3 of "npu:3". */
    public static int index(String id) {
        return Integer.parseInt(id.substring(id.indexOf(':') + 1));
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

    public static void check(List<String> ids) {
        if (ids.isEmpty()) {
            throw new EngineException(ErrorCode.BAD_REQUEST, "no devices given");
        }
        Set<String> seen = new HashSet<>();
        for (String id : ids) {
            if (!id.matches("(cpu|npu):\\d{1,4}")) {
                throw new EngineException(ErrorCode.BAD_REQUEST, "device '" + id + "' is not a card id: cards are "
                        + "cpu:0, cpu:1, ... (backend cpu) or npu:0, npu:1, ... (backend ascend)");
            }
            if (!prefix(id).equals(prefix(ids.get(0)))) {
                throw new EngineException(ErrorCode.BAD_REQUEST, "devices " + ids + " mix backends: all cards of a "
                        + "group must be " + prefix(ids.get(0)) + ":N");
            }
            if (!seen.add(id)) {
                throw new EngineException(ErrorCode.BAD_REQUEST, "device " + id + " is listed twice");
            }
        }
    }
}
