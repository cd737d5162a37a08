package org.vistabench.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vistabench.score.Concept;
import org.vistabench.score.MatchRate;

class JudgesTest {
    private static final Concept CAT = new Concept(Concept.Kind.OBJECT, "cat");

    @Test
    void theCacheIsTheResultsFoldersJudgeFolder() {
        assertEquals(Path.of("/r/run1/judge"), Judges.cacheDir(Path.of("/r/run1/cells/a__b__c__none__s1")));
    }

    @Test
    void matchRateJudgesOnlyTheLabelsOfTheLatentsItPicks() {
        List<Integer> judged = new ArrayList<>();
        List<MatchRate.Latent> latents = new ArrayList<>();
        for (int l = 0; l < 6; l++) {
            int latent = l;
            latents.add(new MatchRate.Latent(true, Judges.lazily(() -> {
                judged.add(latent);
                return Set.of(CAT);
            }), Double.NaN));
        }
        // two images; latent 4 then 1 are the strongest on the first, 1 then 4 on the second; k = 2
        float[][] a = {{0, 0.5f, 0, 0, 0.9f, 0}};
        float[][] b = {{0, 0.8f, 0, 0, 0.3f, 0}};
        MatchRate.Result r = MatchRate.vistabench(List.of(new MatchRate.Image(1, a, Set.of(CAT)),
                new MatchRate.Image(2, b, Set.of())), latents,
                new MatchRate.Settings(2, MatchRate.Aggregation.MAX, 1.0, 1.0));
        assertEquals(0.5, r.rate(), 1e-12);
        assertEquals(List.of(4, 1), judged, "each picked latent judged once, the others never");
    }
}
