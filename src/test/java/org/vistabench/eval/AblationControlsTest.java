package org.vistabench.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.vistabench.score.Concept;
import org.vistabench.score.MatchRate;
import org.vistabench.score.MatchRate.Aggregation;
import org.vistabench.score.MatchRate.Image;
import org.vistabench.score.MatchRate.Latent;
import org.vistabench.score.MatchRate.Settings;
import org.vistabench.score.PointingGame;

/**
 * The two controls the measurements report beside themselves: labels shuffled across latents (match rate must fall
 * to its shuffled-image baseline) and masks moved to other objects (the pointing game must fall to chance), on cases
 * small enough to count by hand.
 */
class AblationControlsTest {
    private static final int N = 8;

    /** Latent j is labelled with concept j; image j shows concept j only and fires latent j only. */
    private static List<Latent> latents() {
        List<Latent> out = new ArrayList<>();
        for (int j = 0; j < N; j++) {
            out.add(new Latent(true, Set.of(concept(j)), 0.01));
        }
        return out;
    }

    private static Concept concept(int j) {
        return new Concept(Concept.Kind.OBJECT, "object" + j);
    }

    private static List<Image> images() {
        List<Image> out = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            float[] acts = new float[N];
            acts[i] = 1;
            out.add(new Image(i, new float[][] {acts}, Set.of(concept(i))));
        }
        return out;
    }

    @Test
    void permutedLabelsMatchOnlyWhereThePermutationLeavesALabelInPlace() {
        Settings top1 = new Settings(1, Aggregation.MAX, 1.0, 1.0);
        MatchRate.Result real = MatchRate.vistabench(images(), latents(), top1);
        assertEquals(1.0, real.rate());
        assertEquals(0.0, real.shuffled());
        for (long seed = 0; seed < 20; seed++) {
            List<Latent> perm = MatchRateProvider.permuted(latents(), seed);
            assertEquals(Set.copyOf(latents()), Set.copyOf(perm), "a permutation of the same labels");
            assertEquals(perm, MatchRateProvider.permuted(latents(), seed), "the seed fixes it");
            // image i fires latent i only: it matches exactly when latent i kept label i
            int fixed = 0;
            int shuffledHits = 0;
            for (int i = 0; i < N; i++) {
                Concept said = perm.get(i).names().iterator().next();
                fixed += said.equals(concept(i)) ? 1 : 0;
                // the shuffled judgement scores image i's pick against image i+1's concept
                shuffledHits += said.equals(concept((i + 1) % N)) ? 1 : 0;
            }
            MatchRate.Result r = MatchRate.vistabench(images(), perm, top1);
            assertEquals(fixed / (double) N, r.rate(), "seed " + seed);
            assertEquals((fixed - shuffledHits) / (double) N, r.excess(), 1e-12, "seed " + seed);
        }
        assertNotEquals(latents(), MatchRateProvider.permuted(latents(), 1), "seed 1 moves some label");
    }

    @Test
    void movedMasksComeFromTheNextImageThatHasOne() {
        boolean[] a = {true, true, false, false};
        boolean[] b = {false, false, true, false};
        boolean[] c = {false, false, false, true};
        List<Map<String, boolean[]>> masks = new ArrayList<>();
        masks.add(new TreeMap<>(Map.of("cat", a)));
        masks.add(new TreeMap<>());
        masks.add(new TreeMap<>(Map.of("bus", b, "ant", c)));
        List<boolean[]> moved = LocalizationProvider.moved(masks);
        assertSame(c, moved.get(0), "image 1 has no mask; image 2's first by name is 'ant'");
        assertSame(c, moved.get(1));
        assertSame(a, moved.get(2), "cyclically: image 0");
        assertNull(LocalizationProvider.moved(List.of(new TreeMap<>(Map.of("cat", a)))).get(0),
                "no other image: nothing to move to");
        assertNull(LocalizationProvider.moved(List.of(new LinkedHashMap<>(), new LinkedHashMap<>())).get(0));
        // a map that peaks on the cat: a hit on its own mask, a miss on the moved one, whose chance is 1/4
        double[] map = {5, 4, 0, 0};
        assertEquals(1.0, PointingGame.hit(map, a));
        assertEquals(0.0, PointingGame.hit(map, moved.get(0)));
        assertEquals(0.25, PointingGame.chance(moved.get(0)));
    }
}
