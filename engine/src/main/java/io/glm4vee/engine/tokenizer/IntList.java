package io.glm4vee.engine.tokenizer;

import java.util.Arrays;

/** A growable int array, so encoding a long prompt does not box every id. */
final class IntList {
    private int[] a = new int[16];
    private int size;

    void add(int v) {
        if (size == a.length) {
            a = Arrays.copyOf(a, size * 2);
        }
        a[size++] = v;
    }

    void addAll(int[] vs) {
        for (int v : vs) {
            add(v);
        }
    }

    int[] toArray() {
        return Arrays.copyOf(a, size);
    }
}
