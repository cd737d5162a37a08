package org.vistabench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.VistaException;
import org.vistabench.io.Json;
import org.vistabench.run.testing.TestSpecs;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Overrides;
import org.vistabench.spec.Spec;
import org.vistabench.spec.SpecLoader;

/** Issue #19: a folder's spec identity is the file's sha256, its overrides and its seeds; merge and resume keep it. */
class MergeIdentityTest {
    @TempDir
    Path tmp;

    private static void run(Spec spec, List<Cell> cells, Path out, List<String> overrides, boolean resume) {
        try (ResultsStore store = ResultsStore.open(out, spec, overrides, resume, "run (test)")) {
            new Runner(spec, RunFixtures.providers()).run(cells, store, resume ? RunFixtures.RESUME
                    : RunFixtures.QUIET);
            store.rebuildTables();
        }
    }

    @Test
    void overridesAreRecordedInRunJsonAndAResumeWithOthersIsRefused() {
        Spec spec = RunFixtures.fast(tmp);
        Path out = tmp.resolve("a");
        run(spec, TestSpecs.cells(spec).subList(0, 2), out, List.of("train.steps=2"), false);
        RunManifest m = ResultsStore.readManifest(out).orElseThrow();
        assertEquals(List.of("train.steps=2"), m.spec().overrides());
        assertEquals(spec.sha256(), m.spec().sha256());
        VistaException e = assertThrows(VistaException.class,
                () -> run(spec, TestSpecs.cells(spec), out, List.of("train.steps=3"), true));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("--set train.steps=2") && e.getMessage().contains("--set train.steps=3"),
                e.getMessage());
        e = assertThrows(VistaException.class, () -> run(spec, TestSpecs.cells(spec), out, List.of(), true));
        assertTrue(e.getMessage().contains("no --set"), e.getMessage());
        // the same overrides resume
        run(spec, TestSpecs.cells(spec), out, List.of("train.steps=2"), true);
        assertEquals(12, ResultsStore.readDoneCells(out).size());
    }

    @Test
    void checkFindsTheGoldenFileOfTheSpecAsItWasRunWithItsOverrides() throws Exception {
        Path file = tmp.resolve("s.yaml");
        Files.writeString(file, Files.readString(Path.of("specs/mini-tiny.yaml"))
                .replace("golden: ../golden/mini-tiny.yaml", "golden: g1.yaml"));
        Files.writeString(tmp.resolve("g1.yaml"), "claims: []\n");
        Path g2 = Files.writeString(tmp.resolve("g2.yaml"), "claims: []\n");
        Overrides o = Overrides.of(List.of("golden=g2.yaml"), null);
        Spec spec = SpecLoader.load(file, o);
        try (ResultsStore store = ResultsStore.open(tmp.resolve("a"), spec, o.canonical(), false, "run (test)")) {
            store.rebuildTables();
        }
        assertEquals(g2.toAbsolutePath().normalize(), GoldenGate.goldenOf(tmp.resolve("a")).toAbsolutePath()
                .normalize());
    }

    @Test
    void mergeRefusesTheSameFileRunWithOtherOverridesNamingBoth() {
        Spec spec = RunFixtures.fast(tmp);
        run(spec, TestSpecs.cells(spec).subList(0, 2), tmp.resolve("a"), List.of("train.steps=2"), false);
        run(spec, TestSpecs.cells(spec).subList(2, 4), tmp.resolve("b"), List.of(), false);
        VistaException e = assertThrows(VistaException.class,
                () -> Merger.merge(List.of(tmp.resolve("a"), tmp.resolve("b")), tmp.resolve("m")));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains(tmp.resolve("a") + " (") && e.getMessage().contains(tmp.resolve("b") + " (")
                && e.getMessage().contains("--set train.steps=2") && e.getMessage().contains("no --set"),
                e.getMessage());
        assertFalse(Files.exists(tmp.resolve("m")), "a refused merge wrote something");
    }

    @Test
    void mergeRefusesAnotherSeedNamingBoth() throws Exception {
        Spec spec = RunFixtures.fast(tmp);
        RunFixtures.run(spec, TestSpecs.cells(spec).subList(0, 2), tmp.resolve("a"), false);
        RunFixtures.run(spec, TestSpecs.cells(spec).subList(2, 4), tmp.resolve("b"), false);
        Path json = tmp.resolve("b/run.json");
        RunManifest m = Json.MAPPER.readValue(json.toFile(), RunManifest.class);
        RunManifest other = new RunManifest(m.format(), m.spec(), m.seed() + 1, m.seeds(), m.git(), m.versions(),
                m.device(), m.sessions(), m.cells(), m.sources(), m.matrix());
        Files.write(json, Json.MAPPER.writeValueAsBytes(other));
        VistaException e = assertThrows(VistaException.class,
                () -> Merger.merge(List.of(tmp.resolve("a"), tmp.resolve("b")), tmp.resolve("m")));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("seed " + m.seed()) && e.getMessage().contains("seed " + (m.seed() + 1))
                && e.getMessage().contains("different seeds"), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("m")));
    }

    @Test
    void aCellDoneTwiceWithIdenticalBytesIsKeptOnceAndSaidSo() {
        Spec spec = RunFixtures.fast(tmp);
        RunFixtures.run(spec, TestSpecs.cells(spec).subList(0, 3), tmp.resolve("a"), false);
        RunFixtures.run(spec, TestSpecs.cells(spec).subList(2, 5), tmp.resolve("b"), false);
        Merger.Summary s = Merger.merge(List.of(tmp.resolve("a"), tmp.resolve("b")), tmp.resolve("m"));
        String dup = TestSpecs.cells(spec).get(2).id();
        assertEquals(1, s.identical());
        assertEquals(List.of("cell " + dup + " is done in " + tmp.resolve("a") + " and " + tmp.resolve("b")
                + " with byte-identical metrics.json: kept " + tmp.resolve("a") + "'s"), s.duplicates());
        assertEquals(5, s.copied());
    }

    @Test
    void theJudgeCacheIsUnitedAndANameWithTwoContentsIsRefused() throws Exception {
        Spec spec = RunFixtures.fast(tmp);
        RunFixtures.run(spec, TestSpecs.cells(spec).subList(0, 2), tmp.resolve("a"), false);
        RunFixtures.run(spec, TestSpecs.cells(spec).subList(2, 4), tmp.resolve("b"), false);
        Files.createDirectories(tmp.resolve("a/judge"));
        Files.createDirectories(tmp.resolve("b/judge"));
        Files.writeString(tmp.resolve("a/judge/aa11.json"), "{\"answer\": 1}");
        Files.writeString(tmp.resolve("a/judge/bb22.json"), "{\"answer\": 2}");
        Files.writeString(tmp.resolve("b/judge/bb22.json"), "{\"answer\": 2}");
        Files.writeString(tmp.resolve("b/judge/cc33.json"), "{\"answer\": 3}");
        Merger.Summary s = Merger.merge(List.of(tmp.resolve("a"), tmp.resolve("b")), tmp.resolve("m"));
        assertEquals(3, s.judged());
        assertEquals("{\"answer\": 3}", Files.readString(tmp.resolve("m/judge/cc33.json")));
        assertEquals("{\"answer\": 1}", Files.readString(tmp.resolve("m/judge/aa11.json")));

        Files.writeString(tmp.resolve("b/judge/aa11.json"), "{\"answer\": 9}");
        VistaException e = assertThrows(VistaException.class,
                () -> Merger.merge(List.of(tmp.resolve("a"), tmp.resolve("b")), tmp.resolve("m2")));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("aa11.json") && e.getMessage().contains(tmp.resolve("a").toString())
                && e.getMessage().contains(tmp.resolve("b").toString()), e.getMessage());
        assertFalse(Files.exists(tmp.resolve("m2")));
    }
}
