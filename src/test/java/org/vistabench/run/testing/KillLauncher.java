package org.vistabench.run.testing;

import java.nio.file.Path;
import java.util.List;
import org.vistabench.run.ResultsStore;
import org.vistabench.run.Runner;
import org.vistabench.spec.Spec;

/**
 * Test-only main for the kill -9 test: runs the 12-cell {@link TestSpecs} spec with {@code fake} sleeping per cell
 * into a results folder, so the parent test can kill it mid-run. Args: spec folder, results folder, sleep ms.
 */
public final class KillLauncher {
    private KillLauncher() {
    }

    public static void main(String[] args) {
        Spec spec = TestSpecs.minimal(Path.of(args[0]), "kill", TestSpecs.fakeParams(Long.parseLong(args[2]), null,
                null));
        try (ResultsStore store = ResultsStore.open(Path.of(args[1]), spec, false, "run (kill test)")) {
            new Runner(spec, List.of(new FakeProvider())).run(TestSpecs.cells(spec), store,
                    new Runner.Options(false, false));
            store.rebuildTables();
        }
    }
}
