package org.vistabench.spec;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.ToIntBiFunction;

/**
 * Which of {@code n} shards runs a cell. The shard depends only on the cell id and {@code n} (not on the other cells
 * or their order), so adding cells to a spec never moves existing cells to another shard and every machine of a
 * sharded job computes the same split on its own.
 */
public final class Shards {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private Shards() {
    }

    /** The shard of {@code cellId} among {@code n}, in {@code [0, n)}. */
    public static int of(String cellId, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("shard count must be at least 1, got " + n);
        }
        return (int) Long.remainderUnsigned(hash(cellId), n);
    }

    /** The cells of shard {@code index} (0-based) of {@code n}, in their matrix order. */
    public static List<Cell> select(List<Cell> cells, int index, int n) {
        return select(cells, index, n, Shards::of);
    }

    /**
     * As {@link #select(List, int, int)}, with the cell-to-shard function given (tests pass a stand-in for
     * {@link #of}); a function that answers outside {@code [0, n)} is a bug and throws.
     */
    public static List<Cell> select(List<Cell> cells, int index, int n, ToIntBiFunction<String, Integer> shardOf) {
        if (index < 0 || index >= n) {
            throw new IllegalArgumentException("shard index must be in [0, " + n + "), got " + index);
        }
        return cells.stream().filter(c -> {
            int s = shardOf.applyAsInt(c.id(), n);
            if (s < 0 || s >= n) {
                throw new IllegalStateException("shard of " + c.id() + " among " + n + " is " + s);
            }
            return s == index;
        }).toList();
    }

    /**
     * FNV-1a 64 over the UTF-8 bytes, then the murmur3 64-bit finaliser: FNV alone leaves the low bits (the ones
     * {@code mod n} keeps) poorly mixed for ids that differ only in their last characters, such as seeds.
     */
    static long hash(String s) {
        long h = fnv1a64(s);
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    static long fnv1a64(String s) {
        long h = FNV_OFFSET;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        return h;
    }
}
