package org.vistabench.run;

import java.nio.file.Path;
import java.util.List;
import org.vistabench.cell.SpecFiles;
import org.vistabench.golden.GoldenFit;
import org.vistabench.spec.Cell;
import org.vistabench.spec.MatrixExpander;
import org.vistabench.spec.Overrides;
import org.vistabench.spec.Shards;
import org.vistabench.spec.Spec;
import org.vistabench.spec.SpecLoader;
import org.vistabench.spec.SpecException;

/** The run command's three calls into the spec package, in one place. */
public final class SpecLink {
    private SpecLink() {
    }

    /**
     * A bad spec throws {@code SpecException} (exit 2); so does a golden file it names that is malformed or asks for
     * what the spec cannot give ({@code GoldenException}, exit 2), and so do missing or disagreeing model, SAE and
     * label files, weight shards and data files ({@link SpecFiles#check(Spec, boolean)}), before any cell runs.
     */
    public static Spec load(Path file) {
        return load(file, Overrides.none());
    }

    /** {@link #load(Path)} with {@code --set} / {@code --limit}; a problem in an override names the argument. */
    public static Spec load(Path file, Overrides overrides) {
        Spec spec = SpecLoader.load(file, overrides);
        // the deep check (every file a cell reads) is stat calls only: cheap next to a failed cell hours in
        List<org.vistabench.spec.SpecError> files = overrides.relocate(SpecFiles.check(spec, true));
        if (!files.isEmpty()) {
            throw new SpecException(files);
        }
        GoldenFit.loadAndCheck(spec);
        return spec;
    }

    /** The spec's cells in matrix order (include/exclude applied). */
    public static List<Cell> expand(Spec spec) {
        return MatrixExpander.expand(spec);
    }

    /** The cell's shard in [0, n). */
    public static int shardOf(String cellId, int n) {
        return Shards.of(cellId, n);
    }
}
