package org.vistabench.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.cell.CellContext;
import org.vistabench.core.StopRequest;
import org.vistabench.eval.MetricProvider;
import org.vistabench.run.testing.FakeProvider;
import org.vistabench.run.testing.TestSpecs;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Spec;

/**
 * A stop request (what the SIGTERM handler sets) unwinds the run at its next safe point: the interrupted cell is left
 * incomplete, not failed; the session is recorded as stopped; the lock is released; one line says where it stopped
 * and how to continue; the exit code is 143; and {@code --resume} ends with the bytes of an uninterrupted run.
 */
class StopAtSafePointTest {
    @TempDir
    Path tmp;

    @AfterEach
    void forget() {
        StopRequest.clear();
    }

    /** Stage {@code stopper}: asks to stop (once) while it works on the {@code at}-th cell it sees. */
    private static final class Stopper implements MetricProvider {
        private final int at;
        private int seen;

        Stopper(int at) {
            this.at = at;
        }

        @Override
        public String name() {
            return "stopper";
        }

        @Override
        public Map<String, Double> compute(CellContext ctx) {
            if (++seen == at) {
                StopRequest.request("SIGTERM");
            }
            return Map.of("stopper.seen", 1.0);
        }
    }

    private Spec spec(List<String> stages) {
        Map<String, Map<String, Object>> metrics = new LinkedHashMap<>();
        stages.forEach(s -> metrics.put(s, s.equals("fake") ? TestSpecs.fakeParams(0, null, null) : Map.of()));
        return TestSpecs.withMetrics(tmp.resolve("spec"), "stop", metrics);
    }

    private int run(Spec spec, MetricProvider stopper, Path out, boolean resume, StringWriter stdout) {
        RunJob.Request r = new RunJob.Request(spec.file(), out, null, null, resume, false, false, false, null);
        RunJob.Collaborators c = new RunJob.Collaborators(p -> spec, TestSpecs::cells, RunFixtures::shardOf,
                () -> List.of(new FakeProvider(), stopper), (dir, golden, allow) -> null);
        return RunJob.execute(r, c, new PrintWriter(stdout, true));
    }

    @Test
    void aStopBetweenStagesLeavesTheCellIncompleteAndResumeFinishesIt() throws Exception {
        Spec spec = spec(List.of("stopper", "fake"));
        List<Cell> cells = TestSpecs.cells(spec);
        Path out = tmp.resolve("out");
        StringWriter stdout = new StringWriter();
        assertEquals(143, run(spec, new Stopper(3), out, false, stdout));
        assertEquals("vistabench: stopped by SIGTERM before stage fake of cell " + cells.get(2).id()
                + " (the cell is left incomplete: --resume redoes it); continue with: vistabench run " + spec.file()
                + " --resume --out " + out + "\n", stdout.toString());
        assertTrue(Files.notExists(out.resolve(RunLock.FILE)), "the lock was not released");
        RunManifest m = ResultsStore.readManifest(out).orElseThrow();
        assertEquals("stopped", m.sessions().get(0).status());
        assertEquals(ResultsStore.Status.DONE, ResultsStore.statusOnDisk(out.resolve("cells").resolve(cells.get(1).id())));
        assertEquals(ResultsStore.Status.INCOMPLETE,
                ResultsStore.statusOnDisk(out.resolve("cells").resolve(cells.get(2).id())));
        assertEquals(ResultsStore.Status.PENDING,
                ResultsStore.statusOnDisk(out.resolve("cells").resolve(cells.get(3).id())));

        assertEquals(0, run(spec, new Stopper(0), out, true, new StringWriter()));
        Path reference = tmp.resolve("reference");
        assertEquals(0, run(spec, new Stopper(0), reference, false, new StringWriter()));
        assertArrayEquals(RunFixtures.csv(reference), RunFixtures.csv(out));
        assertEquals("finished", ResultsStore.readManifest(out).orElseThrow().sessions().get(1).status());
    }

    @Test
    void aStopInTheLastStageLetsTheCellFinishAndStopsBeforeTheNext() {
        Spec spec = spec(List.of("fake", "stopper"));
        List<Cell> cells = TestSpecs.cells(spec);
        Path out = tmp.resolve("out");
        StringWriter stdout = new StringWriter();
        assertEquals(143, run(spec, new Stopper(2), out, false, stdout));
        assertTrue(stdout.toString().startsWith("vistabench: stopped by SIGTERM before cell " + cells.get(2).id()
                + " (3 of 12); continue with: "), stdout.toString());
        assertEquals(ResultsStore.Status.DONE, ResultsStore.statusOnDisk(out.resolve("cells").resolve(cells.get(1).id())));
        assertEquals(ResultsStore.Status.PENDING,
                ResultsStore.statusOnDisk(out.resolve("cells").resolve(cells.get(2).id())));
    }
}
