package org.vistabench.run;

import java.nio.file.Path;
import java.util.List;
import org.vistabench.golden.GoldenFit;
import org.vistabench.spec.Cell;
import org.vistabench.spec.MatrixExpander;
import org.vistabench.spec.Shards;
import org.vistabench.spec.Spec;
import org.vistabench.spec.SpecLoader;

/** The run command's three calls into the spec package, in one place. */
public final class SpecLink {
    private SpecLink() {
    }

    /**
     * A bad spec throws {@code SpecException} (exit 2); so does a golden file it names that is malformed or asks for
     * what the spec cannot give ({@code GoldenException}, exit 2), before any cell runs.
     */
    public static Spec load(Path file) {
        Spec spec = SpecLoader.load(file);
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
