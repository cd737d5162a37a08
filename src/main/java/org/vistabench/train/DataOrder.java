package org.vistabench.train;

/**
 * The order in which training examples are drawn: epoch after epoch, each a Fisher-Yates permutation of all
 * examples from a SplitMix64 stream. Its whole state (seed, epoch, position in the epoch) is three numbers, saved
 * in every checkpoint, so a resumed run draws exactly the batches the uninterrupted run would have drawn.
 */
public final class DataOrder {
    private final int size;
    private final long seed;
    private int epoch;
    private int position;
    private int[] perm;

    public DataOrder(int size, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("no training examples");
        }
        this.size = size;
        this.seed = seed;
        this.epoch = 0;
        this.position = 0;
        this.perm = permutation(size, seed, 0);
    }

    public static DataOrder restore(int size, long seed, int epoch, int position) {
        DataOrder d = new DataOrder(size, seed);
        if (position < 0 || position > size || epoch < 0) {
            throw new IllegalArgumentException("data order: bad state epoch=" + epoch + " position=" + position
                    + " for " + size + " examples");
        }
        d.epoch = epoch;
        d.position = position;
        d.perm = permutation(size, seed, epoch);
        return d;
    }

    /** The next {@code batch} example indices (crossing into the next epoch when one runs out). */
    public int[] next(int batch) {
        int[] out = new int[batch];
        for (int i = 0; i < batch; i++) {
            if (position == size) {
                epoch++;
                position = 0;
                perm = permutation(size, seed, epoch);
            }
            out[i] = perm[position++];
        }
        return out;
    }

    public long seed() {
        return seed;
    }

    public int epoch() {
        return epoch;
    }

    public int position() {
        return position;
    }

    static int[] permutation(int n, long seed, int epoch) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        long state = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL;
        for (int i = n - 1; i > 0; i--) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            int j = (int) Long.remainderUnsigned(z, i + 1L);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }
}
