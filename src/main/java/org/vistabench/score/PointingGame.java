package org.vistabench.score;

/**
 * The pointing game over a patch grid: does the patch with the highest activation lie inside the object's mask?
 *
 * <p>Ties: when several patches share the top activation, the hit is the fraction of them inside the mask, i.e. the
 * expected hit of a uniformly random tie-break. A latent that is silent on the whole image (all patches tied) so
 * scores exactly its chance level, never a lucky first-patch hit. Chance level = the mask's area fraction (the hit
 * rate of a uniformly random patch).
 */
public final class PointingGame {
    private PointingGame() {
    }

    /** In [0, 1]; NaN for an empty mask (nothing to point at). */
    public static double hit(double[] activation, boolean[] mask) {
        check(activation, mask);
        if (count(mask) == 0) {
            return Double.NaN;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double a : activation) {
            max = Math.max(max, a);
        }
        int top = 0;
        int inside = 0;
        for (int i = 0; i < activation.length; i++) {
            if (activation[i] == max) {
                top++;
                if (mask[i]) {
                    inside++;
                }
            }
        }
        return inside / (double) top;
    }

    /** The mask's area fraction; NaN for an empty grid. */
    public static double chance(boolean[] mask) {
        return mask.length == 0 ? Double.NaN : count(mask) / (double) mask.length;
    }

    static int count(boolean[] mask) {
        int c = 0;
        for (boolean b : mask) {
            if (b) {
                c++;
            }
        }
        return c;
    }

    private static void check(double[] activation, boolean[] mask) {
        if (activation.length != mask.length || activation.length == 0) {
            throw new IllegalArgumentException("pointing game: " + activation.length + " activations for a mask of "
                    + mask.length + " patches");
        }
    }
}
