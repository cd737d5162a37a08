package org.vistabench.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.VistaException;
import org.vistabench.io.Sha256;
import org.vistabench.run.testing.FakeProvider;
import org.vistabench.run.testing.TestSpecs;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Spec;

class ResultsStoreTest {
    @TempDir
    Path tmp;

    @Test
    void aFreshFolderMayHoldAJudgeCacheButNothingElse() throws Exception {
        Spec spec = RunFixtures.fast(tmp);
        Path out = tmp.resolve("judged");
        Files.createDirectories(out.resolve("judge"));
        Files.writeString(out.resolve("judge/ab.json"), "{}");
        try (ResultsStore store = ResultsStore.open(out, spec, false, "test")) {
            assertEquals(out, store.dir());
        }
        assertEquals("{}", Files.readString(out.resolve("judge/ab.json")), "the copied cache is kept for the run");
        Path other = tmp.resolve("other");
        Files.createDirectories(other.resolve("judge"));
        Files.writeString(other.resolve("notes.txt"), "x");
        VistaException e = assertThrows(VistaException.class, () -> ResultsStore.open(other, spec, false, "test"));
        assertTrue(e.getMessage().contains("(notes.txt) and has no run.json"), e.getMessage());
        Path file = tmp.resolve("file-named-judge");
        Files.createDirectories(file);
        Files.writeString(file.resolve("judge"), "not a folder");
        assertThrows(VistaException.class, () -> ResultsStore.open(file, spec, false, "test"));
    }

    @Test
    void writesMetricsJsonThenDoneMarkerHoldingItsHash() throws Exception {
        Spec spec = RunFixtures.fast(tmp);
        Path out = tmp.resolve("out");
        RunSummary s = RunFixtures.runAll(spec, out);
        assertEquals(new RunSummary(12, 0, 0, List.of()), s);
        for (Cell c : TestSpecs.cells(spec)) {
            Path cd = out.resolve("cells").resolve(c.id());
            byte[] json = Files.readAllBytes(cd.resolve("metrics.json"));
            assertEquals(Sha256.hex(json) + "\n", Files.readString(cd.resolve("done")));
            CellResult r = ResultsStore.readCell(cd);
            assertEquals(c, r.cell());
            assertEquals(Math.floorMod(c.id().hashCode(), 1000) / 7.0, r.metrics().get("fake.score"));
            assertEquals(c.seed() / 3.0, r.metrics().get("fake.seed_third"));
            try (Stream<Path> files = Files.list(cd)) {
                assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "temp file left");
            }
        }
        assertFalse(Files.exists(out.resolve(RunLock.FILE)), "lock not released");
    }

    @Test
    void manifestRecordsSpecCopyVersionsSessionsAndCellStatus() throws Exception {
        Spec spec = RunFixtures.fast(tmp);
        Path out = tmp.resolve("out");
        RunFixtures.run(spec, TestSpecs.cells(spec).subList(0, 5), out, false);
        RunManifest m = ResultsStore.readManifest(out).orElseThrow();
        assertEquals(spec.sha256(), m.spec().sha256());
        assertEquals(Files.readString(spec.file()), m.spec().text());
        assertEquals(TestSpecs.SEEDS, m.seeds());
        assertEquals("0.36.0", m.versions().get("djl"));
        assertTrue(m.device().startsWith("cpu (PyTorch "), m.device());
        assertEquals(1, m.sessions().size());
        RunManifest.Session session = m.sessions().get(0);
        assertEquals("finished", session.status());
        assertEquals(ProcessHandle.current().pid(), session.pid());
        assertTrue(session.ended() != null && session.started().compareTo(session.ended()) <= 0);
        assertEquals(5, session.ok());
        assertEquals(5, m.cells().size());
        assertTrue(m.cells().values().stream().allMatch(c -> c.status().equals("done")));
        // the code's provenance: a commit hash inside a git checkout, else "unknown"
        assertTrue(m.git().commit().equals("unknown") || m.git().commit().matches("[0-9a-f]{40}"), m.git().commit());

        RunFixtures.run(spec, TestSpecs.cells(spec), out, true);
        RunManifest again = ResultsStore.readManifest(out).orElseThrow();
        assertEquals(2, again.sessions().size());
        assertEquals(5, again.sessions().get(1).skipped());
        assertEquals(7, again.sessions().get(1).ok());
        assertEquals(12, again.cells().size());
    }

    @Test
    void resumeSkipsDoneCellsAndRedoesIncompleteAndMissingOnes() throws Exception {
        Spec spec = RunFixtures.fast(tmp);
        Path out = tmp.resolve("out");
        RunFixtures.runAll(spec, out);
        byte[] full = RunFixtures.csv(out);
        List<Cell> cells = TestSpecs.cells(spec);
        Path incomplete = out.resolve("cells").resolve(cells.get(3).id());
        Files.delete(incomplete.resolve("done"));
        Files.delete(incomplete.resolve("metrics.json"));
        AtomicFilesTestSupport.deleteTree(out.resolve("cells").resolve(cells.get(7).id()));

        RunSummary s = RunFixtures.run(spec, cells, out, true);
        assertEquals(new RunSummary(2, 0, 10, List.of()), s);
        // the incomplete cell's own file was kept and appended to; done cells were not called again
        assertEquals(List.of("call resume=false", "call resume=true"),
                Files.readAllLines(incomplete.resolve(FakeProvider.CALLS)));
        assertEquals(List.of("call resume=true"),
                Files.readAllLines(out.resolve("cells").resolve(cells.get(7).id()).resolve(FakeProvider.CALLS)));
        assertEquals(List.of("call resume=false"),
                Files.readAllLines(out.resolve("cells").resolve(cells.get(0).id()).resolve(FakeProvider.CALLS)));
        assertArrayEquals(full, RunFixtures.csv(out));
    }

    @Test
    void refusesFolderOfAnotherSpecWithOrWithoutResume() {
        Path out = tmp.resolve("out");
        RunFixtures.runAll(RunFixtures.fast(tmp), out);
        Spec changed = TestSpecs.minimal(tmp.resolve("other"), "t", TestSpecs.fakeParams(1, null, null));
        for (boolean resume : new boolean[] {false, true}) {
            VistaException e = assertThrows(VistaException.class,
                    () -> ResultsStore.open(out, changed, resume, "run"));
            assertEquals(2, e.exitCode());
            assertTrue(e.getMessage().contains("different specs") && e.getMessage().contains("sha256"),
                    e.getMessage());
            assertTrue(e.getMessage().contains(changed.file().toString()), e.getMessage());
        }
        assertFalse(Files.exists(out.resolve(RunLock.FILE)), "refusal left the lock behind");
    }

    @Test
    void refusesSameSpecWithoutResumeSuggestingResumeOrNewOut() {
        Spec spec = RunFixtures.fast(tmp);
        Path out = tmp.resolve("out");
        RunFixtures.runAll(spec, out);
        VistaException e = assertThrows(VistaException.class, () -> ResultsStore.open(out, spec, false, "run"));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("--resume") && e.getMessage().contains("--out"), e.getMessage());
    }

    @Test
    void refusesNonEmptyFolderThatIsNotAResultsFolder() throws Exception {
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("notes.txt"), "mine");
        VistaException e = assertThrows(VistaException.class,
                () -> ResultsStore.open(out, RunFixtures.fast(tmp), true, "run"));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
    }

    @Test
    void refusesSpecFileChangedAfterLoading() throws Exception {
        Spec spec = RunFixtures.fast(tmp);
        Files.writeString(spec.file(), "edited\n");
        VistaException e = assertThrows(VistaException.class,
                () -> ResultsStore.open(tmp.resolve("out"), spec, false, "run"));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("changed after it was loaded"), e.getMessage());
    }

    @Test
    void metricsCsvIsByteIdenticalAcrossRuns() {
        Spec spec = RunFixtures.fast(tmp);
        RunFixtures.runAll(spec, tmp.resolve("a"));
        RunFixtures.runAll(spec, tmp.resolve("b"));
        byte[] a = RunFixtures.csv(tmp.resolve("a"));
        assertArrayEquals(a, RunFixtures.csv(tmp.resolve("b")));
        assertEquals(12 * 4 + 1, RunFixtures.read(tmp.resolve("a/tables/metrics.csv")).split("\n", -1).length - 1);
    }

    @Test
    void doneCellWithoutMetricsIsAnErrorNamingTheFolder() throws Exception {
        Path cd = tmp.resolve("cells/x");
        Files.createDirectories(cd);
        Files.writeString(cd.resolve("done"), "");
        VistaException e = assertThrows(VistaException.class, () -> ResultsStore.readCell(cd));
        assertTrue(e.getMessage().contains(cd.toString()) && e.getMessage().contains("metrics.json"),
                e.getMessage());
    }

    @Test
    void metricsJsonRoundTripsAwkwardAndUndefinedValuesExactly() {
        Cell c = Cell.of("e", "l", "s", "none", 1);
        Map<String, Double> m = Map.of("p.a", 0.1 + 0.2, "p.b", Double.NaN, "p.c", Double.MIN_VALUE,
                "p.d", -0.0, "p.e", Double.POSITIVE_INFINITY, "p.f", 1e300);
        Path cd = tmp.resolve("c");
        org.vistabench.io.AtomicFiles.write(cd.resolve("metrics.json"), ResultsStore.metricsJson(c, m));
        assertEquals(new CellResult(c, m), ResultsStore.readCell(cd));
    }
}
