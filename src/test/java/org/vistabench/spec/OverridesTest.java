package org.vistabench.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --set key.path=value} and {@code --limit N}: applied before validation, errors naming the argument. */
class OverridesTest {
    private static final Path MINI_TINY = Path.of("specs/mini-tiny.yaml");

    @TempDir
    Path tmp;

    private static Spec load(List<String> sets, Integer limit) {
        return SpecLoader.load(MINI_TINY, Map.of(), Overrides.of(sets, limit));
    }

    private static String error(List<String> sets, Integer limit) {
        return assertThrows(SpecException.class, () -> load(sets, limit)).getMessage();
    }

    @Test
    void setsScalarsNestedKeysAndListItems() {
        Spec base = SpecLoader.load(MINI_TINY, Map.of());
        Spec s = load(List.of("train.steps=5", "metrics.qa.images=4", "encoders[0].layer=-2", "train.lr=1e-3",
                "sae_layer_sets.early=[1]"), null);
        assertEquals(5, s.train().steps());
        assertEquals(1e-3, s.train().lr());
        assertEquals(4, ((Number) s.metrics().get("qa").get("images")).intValue());
        assertEquals(-2, s.encoders().get(0).layer());
        assertEquals(List.of(1), s.layerSet("early").layers());
        // the providers keep the file's order, the rest of the spec is untouched, sha256 is still the file's
        assertEquals(List.copyOf(base.metrics().keySet()), List.copyOf(s.metrics().keySet()));
        assertEquals(base.train().batch(), s.train().batch());
        assertEquals(base.sha256(), s.sha256());
    }

    @Test
    void createsAMissingProviderMappingAndAddsAKey() {
        Spec s = load(List.of("metrics.recon.images=3"), null);
        assertEquals(3, ((Number) s.metrics().get("recon").get("images")).intValue());
    }

    @Test
    void aBadValueIsValidatedLikeTheFileAndNamesTheArgument() {
        String m = error(List.of("train.steps=abc"), null);
        assertTrue(m.startsWith("--set train.steps=abc: train.steps: expected"), m);
        assertTrue(m.contains("'abc'") || m.contains("abc"), m);
    }

    @Test
    void anUnknownKeyIsRefusedWithASuggestionAtTheArgument() {
        String m = error(List.of("train.stpes=5"), null);
        assertTrue(m.startsWith("--set train.stpes=5: train.stpes: "), m);
        assertTrue(m.contains("steps"), m);
    }

    @Test
    void malformedArgumentsAndMissingItemsAreNamed() {
        assertTrue(error(List.of("train.steps"), null).startsWith("--set train.steps: expected key.path=value"));
        assertTrue(error(List.of("=5"), null).startsWith("--set =5: expected key.path=value"));
        assertTrue(error(List.of("train..steps=5"), null).startsWith("--set train..steps=5: expected"));
        String m = error(List.of("encoders[3].layer=1"), null);
        assertEquals("--set encoders[3].layer=1: encoders[3].layer: encoders: has 1 items, no item [3]", m);
        m = error(List.of("train.steps.x=1"), null);
        assertTrue(m.contains("train.steps: is '40', not a mapping"), m);
        m = error(List.of("train.steps=[1,"), null);
        assertTrue(m.startsWith("--set train.steps=[1,: train.steps: invalid YAML value"), m);
        m = error(List.of("train.steps=!!python/object:x 1"), null);
        assertTrue(m.contains("not allowed"), m);
    }

    @Test
    void severalErrorsAreReportedTogether() {
        SpecException e = assertThrows(SpecException.class,
                () -> load(List.of("train.steps=abc", "train.batch=-1"), null));
        assertEquals(2, e.errors().size(), e.getMessage());
        assertEquals("--set train.steps=abc", e.errors().get(0).file());
        assertEquals("--set train.batch=-1", e.errors().get(1).file());
    }

    @Test
    void errorsInTheFileKeepTheirLineWhenOverridesAreGiven() throws Exception {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(MINI_TINY).replace("batch: 8", "batch: eight")
                .replace("golden: ../golden/mini-tiny.yaml", ""));
        SpecException e = assertThrows(SpecException.class,
                () -> SpecLoader.load(bad, Map.of(), Overrides.of(List.of("train.steps=5"), null)));
        assertEquals(1, e.errors().size(), e.getMessage());
        assertEquals(bad.toString(), e.errors().get(0).file());
        assertTrue(e.errors().get(0).line() > 0 && e.errors().get(0).line() < 100, e.getMessage());
        // and an override can repair it
        assertEquals(8, SpecLoader.load(bad, Map.of(), Overrides.of(List.of("train.batch=8"), null)).train().batch());
    }

    @Test
    void limitCapsEvalImagesAndEveryProvidersImages() {
        Spec s = load(null, 4);
        assertEquals(4, s.train().evalImages());
        assertEquals(4, ((Number) s.metrics().get("qa").get("images")).intValue());
        // steering's pair counts are not image counts
        assertEquals(8, ((Number) s.metrics().get("steering").get("removal")).intValue());
        Spec loose = load(null, 16);
        assertEquals(16, loose.train().evalImages());
        assertEquals(8, ((Number) loose.metrics().get("qa").get("images")).intValue());
        Spec above = load(null, 1000);
        assertEquals(32, above.train().evalImages());
        // an explicit --set after the cap is not undone by it, and the cap applies to a value set to 0 (all)
        assertEquals(4, load(List.of("train.eval_images=0"), 4).train().evalImages());
        assertTrue(assertThrows(SpecException.class, () -> Overrides.of(null, 0)).getMessage()
                .startsWith("--limit 0: expected a positive number"));
    }

    @Test
    void canonicalFormIsSortedByPathWithTheLastValueOfAPath() {
        Overrides a = Overrides.of(List.of("train.steps=5", "metrics.qa.images=4", "train.steps=7"), 8);
        assertEquals(List.of("metrics.qa.images=4", "train.steps=7", "--limit 8"), a.canonical());
        assertEquals(a, Overrides.of(List.of("metrics.qa.images=4", "train.steps=7"), 8));
        assertTrue(Overrides.of(List.of(), null).isEmpty());
        assertEquals(" --set 'train.steps=5' --limit 2", Overrides.of(List.of("train.steps=5"), 2).asArguments());
        // what run.json records reads back as the same overrides
        assertEquals(a, Overrides.fromCanonical(a.canonical()));
        assertEquals(List.of("encoders[0].layer=-2"), Overrides.fromCanonical(List.of("encoders[0].layer=-2"))
                .canonical());
    }
}
