package org.vistabench.run;

import java.nio.file.Path;
import java.util.List;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Spec;

/**
 * The run command's three calls into the spec package. MERGE NOTE: replace each body by the direct call in its comment
 * and delete {@link Reflect}; the reflection only lets this package build before
 * the spec package is merged.
 */
public final class SpecLink {
    private SpecLink() {
    }

    /** {@code SpecLoader.load(file)}: a bad spec throws {@code SpecException} (exit 2). */
    public static Spec load(Path file) {
        return (Spec) Reflect.callStatic("org.vistabench.spec.SpecLoader", "load", new Class<?>[] {Path.class}, file);
    }

    /** {@code MatrixExpander.expand(spec)}: the spec's cells in matrix order (include/exclude applied). */
    @SuppressWarnings("unchecked")
    public static List<Cell> expand(Spec spec) {
        return (List<Cell>) Reflect.callStatic("org.vistabench.spec.MatrixExpander", "expand",
                new Class<?>[] {Spec.class}, spec);
    }

    /** {@code Shards.of(cellId, n)}: the cell's shard in [0, n). */
    public static int shardOf(String cellId, int n) {
        return (Integer) Reflect.callStatic("org.vistabench.spec.Shards", "of",
                new Class<?>[] {String.class, int.class}, cellId, n);
    }
}
