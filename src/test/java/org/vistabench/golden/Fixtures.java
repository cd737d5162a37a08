package org.vistabench.golden;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.vistabench.results.MetricsTable;
import org.vistabench.spec.Cell;

/** Hand-made metrics tables and golden files for the golden tests. */
public final class Fixtures {
    private Fixtures() {
    }

    public static final class Table {
        private final List<MetricsTable.Row> rows = new ArrayList<>();

        /** One value for the cell (encoder, mini-lm, layers, control, seed). */
        public Table add(String encoder, String layers, String control, long seed, String metric, double value) {
            rows.add(new MetricsTable.Row(Cell.of(encoder, "mini-lm", layers, control, seed), metric, value));
            return this;
        }

        /** The same value for control none and seed 1. */
        public Table add(String encoder, String layers, String metric, double value) {
            return add(encoder, layers, "none", 1, metric, value);
        }

        public MetricsTable build() {
            return new MetricsTable(rows);
        }
    }

    public static Table table() {
        return new Table();
    }

    static Golden golden(Path dir, String yaml) {
        try {
            Path f = Files.createTempFile(dir, "golden", ".yaml");
            Files.writeString(f, yaml);
            return GoldenLoader.load(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A golden file with one claim: {@code id: c, metric: m.x}, the given {@code for}/{@code expect} and extras. */
    static Golden claim(Path dir, String rest) {
        return golden(dir, "claims:\n  - id: c\n    source: test\n    metric: m.x\n" + rest.indent(4));
    }
}
