package org.vistabench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.cell.CellContext;
import org.vistabench.eval.MetricProvider;
import org.vistabench.run.GoldenGate;
import org.vistabench.run.testing.TestSpecs;
import org.vistabench.spec.Spec;
import picocli.CommandLine;

/** {@code run --no-progress} reaches every provider: no bars for training, features or the world build. */
class NoProgressTest {
    @TempDir
    Path tmp;

    /** Stage {@code fake} that records whether it may draw progress bars. */
    private static final class Recorder implements MetricProvider {
        final List<Boolean> seen = new ArrayList<>();

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public Map<String, Double> compute(CellContext ctx) {
            seen.add(ctx.progress());
            return Map.of("fake.one", 1.0);
        }
    }

    private Set<Boolean> progressSeen(String... options) {
        Spec spec = TestSpecs.minimal(tmp, "t", Map.of());
        Recorder recorder = new Recorder();
        RunCommand cmd = new RunCommand();
        cmd.loader = p -> spec;
        cmd.expander = TestSpecs::cells;
        cmd.providers = () -> List.of(recorder);
        cmd.golden = (dir, file, allowMissing) -> new GoldenGate.Outcome(0, "");
        cmd.progressBar = false; // the cells' bar: not drawn into the test log either way
        List<String> args = new ArrayList<>(List.of("spec.yaml", "--out", tmp.resolve("out" + options.length)
                .toString()));
        args.addAll(List.of(options));
        CommandLine cl = new CommandLine(cmd);
        cl.setOut(new PrintWriter(new StringWriter(), true));
        assertEquals(0, cl.execute(args.toArray(String[]::new)));
        assertEquals(TestSpecs.cells(spec).size(), recorder.seen.size());
        return new TreeSet<>(recorder.seen);
    }

    @Test
    void noProgressTurnsTheProvidersBarsOff() {
        assertEquals(Set.of(true), progressSeen());
        assertEquals(Set.of(false), progressSeen("--no-progress"));
    }
}
