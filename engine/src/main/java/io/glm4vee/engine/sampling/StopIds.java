package io.glm4vee.engine.sampling;

/** Stop-id checks shared by generation and evaluation. */
public final class StopIds {
    private StopIds() {
    }

    public static boolean contains(int[] ids, int id) {
        for (int x : ids) {
            if (x == id) {
                return true;
            }
        }
        return false;
    }
}
