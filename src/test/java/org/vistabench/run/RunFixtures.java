package org.vistabench.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.vistabench.eval.MetricProvider;
import org.vistabench.run.testing.EchoProvider;
import org.vistabench.run.testing.FakeProvider;
import org.vistabench.run.testing.TestSpecs;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Spec;

/** Small helpers shared by the run package's tests. */
final class RunFixtures {
    static final Runner.Options QUIET = new Runner.Options(false, false);
    static final Runner.Options RESUME = new Runner.Options(true, false);

    private RunFixtures() {
    }

    static List<MetricProvider> providers() {
        return List.of(new FakeProvider(), new EchoProvider());
    }

    /** Runs {@code cells} of {@code spec} into {@code out} and rebuilds the tables. */
    static RunSummary run(Spec spec, List<Cell> cells, Path out, boolean resume) {
        try (ResultsStore store = ResultsStore.open(out, spec, resume, "run (test)")) {
            RunSummary s = new Runner(spec, providers()).run(cells, store, resume ? RESUME : QUIET);
            store.rebuildTables();
            return s;
        }
    }

    static RunSummary runAll(Spec spec, Path out) {
        return run(spec, TestSpecs.cells(spec), out, false);
    }

    static Spec fast(Path dir) {
        return TestSpecs.minimal(dir, "t", TestSpecs.fakeParams(0, null, null));
    }

    static byte[] csv(Path out) {
        try {
            return Files.readAllBytes(out.resolve("tables/metrics.csv"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stand-in for the spec package's {@code Shards.of} (any function of id and n into [0, n) will do here). */
    static int shardOf(String id, int n) {
        return Math.floorMod(id.hashCode() * 31 + 7, n);
    }
}
