package io.glm4vee.engine.tokenizer;

import java.util.Arrays;
import java.util.Map;

/**
 * tiktoken's {@code byte_pair_encode}: if the whole piece is a token, emit it; otherwise start
 * from single bytes and repeatedly merge the adjacent pair whose concatenation has the lowest
 * rank (leftmost on ties) until no adjacent pair is a token.
 *
 * <p>Two implementations with identical results: a direct rescan for short pieces (cheap, as in
 * tiktoken) and a heap over candidate pairs for long ones, where the rescan is O(n^2) in the
 * piece length (a long run of letters or symbols is a single piece).
 */
final class BytePairEncoder {
    /** Above this many bytes the heap version wins; the exact value only affects speed. */
    static final int HEAP_THRESHOLD = 64;

    private static final int NONE = Integer.MAX_VALUE;

    private final Map<ByteKey, Integer> ranks;

    /** Every single byte must be in {@code ranks}, or a piece could end with an unknown part. */
    BytePairEncoder(Map<ByteKey, Integer> ranks) {
        this.ranks = ranks;
    }

    /** Appends the ranks of {@code piece} to {@code out}. */
    void encode(byte[] piece, IntList out) {
        Integer whole = ranks.get(ByteKey.of(piece));
        if (whole != null) {
            out.add(whole);
        } else if (piece.length <= HEAP_THRESHOLD) {
            encodeRescan(piece, out);
        } else {
            encodeHeap(piece, out);
        }
    }

    private int rank(byte[] b, int from, int to) {
        Integer r = ranks.get(new ByteKey(b, from, to - from));
        return r == null ? NONE : r;
    }

    /** tiktoken's loop: part starts in an array, the lowest-ranked pair found by a full scan. */
    void encodeRescan(byte[] b, IntList out) {
        int n = b.length;
        int[] start = new int[n + 1]; // start[i] = first byte of part i; start[parts] = n
        for (int i = 0; i <= n; i++) {
            start[i] = i;
        }
        int parts = n;
        while (parts > 1) {
            int best = NONE;
            int bestAt = -1;
            for (int i = 0; i + 1 < parts; i++) {
                int r = rank(b, start[i], start[i + 2]);
                if (r < best) { // strict: the leftmost pair wins a tie
                    best = r;
                    bestAt = i;
                }
            }
            if (bestAt < 0) {
                break;
            }
            System.arraycopy(start, bestAt + 2, start, bestAt + 1, parts - bestAt - 1);
            parts--;
        }
        for (int i = 0; i < parts; i++) {
            out.add(rank(b, start[i], start[i + 1]));
        }
    }

    /**
     * Same merge order, O(n log n): parts form a linked list keyed by their first byte; each
     * candidate pair sits in a min-heap under (rank, first byte), which is exactly "lowest rank,
     * then leftmost". Entries go stale when a neighbour merges; they are recognised because the
     * pair starting at that byte now has another rank (a longer byte string is another token).
     */
    void encodeHeap(byte[] b, IntList out) {
        int n = b.length;
        int[] next = new int[n];     // (n) first byte of the following part, n for the last part
        int[] prev = new int[n];     // (n) first byte of the preceding part, -1 for the first
        int[] pairRank = new int[n]; // (n) rank of this part + the next one, NONE if not a token
        boolean[] dead = new boolean[n];
        LongMinHeap heap = new LongMinHeap(n);
        for (int i = 0; i < n; i++) {
            next[i] = i + 1;
            prev[i] = i - 1;
            pairRank[i] = i + 1 < n ? rank(b, i, i + 2) : NONE;
            if (pairRank[i] != NONE) {
                heap.push(key(pairRank[i], i));
            }
        }
        while (!heap.isEmpty()) {
            long k = heap.pop();
            int r = (int) (k >>> 32);
            int left = (int) k;
            if (dead[left] || pairRank[left] != r) {
                continue; // stale entry
            }
            int right = next[left];
            int after = next[right];
            dead[right] = true;
            next[left] = after;
            if (after < n) {
                prev[after] = left;
            }
            // the merged part pairs anew with both neighbours
            pairRank[left] = after < n ? rank(b, left, next[after]) : NONE;
            if (pairRank[left] != NONE) {
                heap.push(key(pairRank[left], left));
            }
            int before = prev[left];
            if (before >= 0) {
                pairRank[before] = rank(b, before, after);
                if (pairRank[before] != NONE) {
                    heap.push(key(pairRank[before], before));
                }
            }
        }
        for (int i = 0; i < n; i = next[i]) {
            out.add(rank(b, i, next[i]));
        }
    }

    private static long key(int rank, int start) {
        return ((long) rank << 32) | start;
    }

    /** A binary min-heap of longs, to avoid boxing in the merge loop. */
    private static final class LongMinHeap {
        private long[] a;
        private int size;

        LongMinHeap(int capacity) {
            a = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (a[parent] <= v) {
                    break;
                }
                a[i] = a[parent];
                i = parent;
            }
            a[i] = v;
        }

        long pop() {
            long top = a[0];
            long last = a[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && a[child + 1] < a[child]) {
                    child++;
                }
                if (a[child] >= last) {
                    break;
                }
                a[i] = a[child];
                i = child;
            }
            a[i] = last;
            return top;
        }
    }
}
