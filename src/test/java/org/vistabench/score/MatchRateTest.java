package org.vistabench.score;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vistabench.score.MatchRate.Aggregation;
import org.vistabench.score.MatchRate.Image;
import org.vistabench.score.MatchRate.Latent;
import org.vistabench.score.MatchRate.Result;
import org.vistabench.score.MatchRate.Settings;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MatchRateTest {
    private static final Concept CAT = new Concept(Concept.Kind.OBJECT, "cat");
    private static final Concept BUS = new Concept(Concept.Kind.OBJECT, "bus");
    private static final Concept RED = new Concept(Concept.Kind.ATTRIBUTE, "red");
    private static final Concept GRASS = new Concept(Concept.Kind.SCENE, "grass");

    private static Latent names(Concept... cs) {
        return new Latent(true, Set.of(cs), 0.01);
    }

    /** Latents: 0 cat, 1 bus, 2 red, 3 unlabelled, 4 grass. */
    private static final List<Latent> LATENTS = List.of(names(CAT), names(BUS), names(RED), Latent.UNLABELLED,
            names(GRASS));

    /** Image 1 (a red cat on grass): two tokens. Image 2 (a bus): two tokens. */
    private static List<Image> images() {
        return List.of(
                new Image(1, new float[][] {{3, 0, 1, 9, 0}, {0, 1, 2, 0, 0}}, Set.of(CAT, RED, GRASS)),
                new Image(2, new float[][] {{0, 4, 0, 0, 0}, {2, 0, 0, 0, 0}}, Set.of(BUS)));
    }

    @Test
    void topKByMaxSkipsUnlabelledLatentsAndDividesByK() {
        Result r = MatchRate.vistabench(images(), LATENTS, new Settings(2, Aggregation.MAX, 1.0, 1.0));
        // image 1: max = [3, 1, 2, 9, 0]; unlabelled 3 skipped -> picks cat (3), red (2): both match -> 2/2
        // image 2: max = [2, 4, 0, 0, 0] -> bus (4), cat (2): bus matches -> 1/2
        assertEquals(1.0, r.images().get(0).rate());
        assertEquals(0.5, r.images().get(1).rate());
        assertEquals(0.75, r.rate());
        assertEquals((0.5 + 0.5) / 2, r.rateObject()); // image 1: cat; image 2: bus
        assertEquals((0.5 + 0) / 2, r.rateAttribute());
        // shuffled: image 1's picks against image 2's concepts {bus}: none; image 2's against {cat, red, grass}: cat
        assertEquals((0 + 0.5) / 2, r.shuffled());
        assertEquals(0.75 - 0.25, r.excess());
    }

    @Test
    void meanAggregationRanksByTheAverageOverTokens() {
        Result r = MatchRate.vistabench(images(), LATENTS, new Settings(1, Aggregation.MEAN, 1.0, 1.0));
        // image 1 means: cat 1.5, bus 0.5, red 1.5 (tie with cat: lower index first) -> cat; image 2: bus 2 -> bus
        assertEquals(CAT, r.images().get(0).picks().get(0).matched().iterator().next());
        assertEquals(1.0, r.rate());
    }

    @Test
    void aLatentThatIsOnInTooManyImagesIsGeneric() {
        // on (mean > 0): cat in both images, bus in both, red in image 1 only (1 of 2 = 0.5, not > 0.5)
        Result r = MatchRate.vistabench(images(), LATENTS, new Settings(2, Aggregation.MAX, 0.5, 1.0));
        assertEquals(2, r.generic());
        assertEquals(List.of(2), r.images().get(0).picks().stream().map(MatchRate.Pick::latent).toList());
        assertEquals(0.5, r.images().get(0).rate());
    }

    @Test
    void denseTextLatentsAreGeneric() {
        List<Latent> dense = List.of(new Latent(true, Set.of(CAT), 0.5), names(BUS), names(RED), Latent.UNLABELLED,
                names(GRASS));
        Result r = MatchRate.vistabench(images(), dense, new Settings(1, Aggregation.MAX, 1.0, 0.1));
        assertEquals(1, r.generic());
        assertEquals(2, r.images().get(0).picks().get(0).latent()); // red, not cat
    }

    @Test
    void allLatentsFilteredScoresZeroNotNaN() {
        Result r = MatchRate.vistabench(images(), LATENTS, new Settings(3, Aggregation.MAX, 0.0, 1.0));
        assertEquals(0.0, r.rate());
        assertEquals(0.0, r.shuffled());
        assertEquals(List.of(), r.images().get(0).picks());
    }

    @Test
    void anImageWithNoConceptsNeverMatches() {
        List<Image> ims = List.of(new Image(7, new float[][] {{3, 1, 1, 0, 1}}, Set.of()),
                new Image(8, new float[][] {{3, 1, 1, 0, 1}}, Set.of(CAT)));
        Result r = MatchRate.vistabench(ims, LATENTS, new Settings(3, Aggregation.MAX, 1.0, 1.0));
        assertEquals(0.0, r.images().get(0).rate());
        assertEquals(1 / 3.0, r.images().get(0).shuffled()); // judged against image 8's {cat}
    }

    @Test
    void vistaTakesTheFirstDistinctLatentsOfAllActivationsAndJudgesTheImageOnce() {
        Result r = MatchRate.vista(images(), LATENTS, new Settings(1, Aggregation.MAX, 1.0, 1.0));
        // image 1: sorted pairs 9 (unlabelled, skipped), 3 (cat) -> cat matches -> 1; image 2: 4 (bus) -> 1
        assertEquals(1.0, r.rate());
        // shuffled: cat vs {bus} no; bus vs {cat, red, grass} no
        assertEquals(0.0, r.shuffled());
    }

    @Test
    void vistaKeepsASilentLatentsPlaceButItCannotMatch() {
        // image 2 has only bus and cat active; the 3rd pick (red, max 0) is silent and cannot match
        List<Image> ims = List.of(new Image(2, new float[][] {{0, 4, 0, 0, 0}, {2, 0, 0, 0, 0}}, Set.of(RED)),
                new Image(3, new float[][] {{0, 0, 0, 0, 0}}, Set.of(RED)));
        Result r = MatchRate.vista(ims, LATENTS, new Settings(3, Aggregation.MAX, 1.0, 1.0));
        assertEquals(List.of(1, 0, 2), r.images().get(0).picks().stream().map(MatchRate.Pick::latent).toList());
        assertEquals(0.0, r.images().get(0).rate());
        assertEquals(0.0, r.images().get(1).rate());
    }

    @Test
    void shuffledLabelsFallToTheShuffledBaseline() {
        // a latent labelled with the concept of the *other* image matches only in the shuffled judgement
        List<Latent> swapped = List.of(names(BUS), names(CAT), names(RED), Latent.UNLABELLED, names(GRASS));
        Result r = MatchRate.vistabench(images(), swapped, new Settings(1, Aggregation.MAX, 1.0, 1.0));
        assertEquals(0.0, r.rate());
        assertEquals(1.0, r.shuffled());
    }
}
