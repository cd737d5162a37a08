package org.vistabench.report;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.vistabench.io.AtomicFiles;

/**
 * One paper table: {@code <name>.csv} (RFC 4180, {@code \n} line ends) and its documentation {@code <name>.md} (what
 * a row is, every column, notes such as an absent metric). A table without rows is still written, header only.
 *
 * @param rows fields in {@link #header()} order
 */
record Table(String name, String title, String description, List<Field> fields, List<List<String>> rows,
             List<String> notes) {
    /** Conventions every table shares, stated once in {@code tables/README.md}. */
    static final String CONVENTIONS = """
            - Numbers have %d decimals; an empty field is no number: the metric is absent or NaN (nothing was scored) \
            in every seed, or no cell of the group finished.
            - `<q>_mean`, `<q>_sd`, `<q>_n`: over the seeds of a group (cells that differ only by seed), the mean and \
            the sample standard deviation (n − 1) of q's finite values, and n, how many seeds had one. `_sd` is empty \
            when n < 2: one seed gives no spread.
            - `seeds`: the seeds of the group's finished cells; `gaps`: its cells that did not finish \
            (`s<seed> failed`, `s<seed> pending` = never started or a missing shard, `s<seed> incomplete` = killed \
            or running). A group \
            with gaps is still a row, with what its finished seeds give.
            - Rows follow the spec's order of encoders, LLMs, SAE layer sets and controls (then layers l0, l1, …, \
            mean); the same results folder always gives the same bytes.
            """.formatted(Fmt.DECIMALS);

    /**
     * A column; or the three of a seed statistic ({@code _mean}, {@code _sd}, {@code _n}); or a family of columns
     * documented together (one per metric).
     *
     * @param doc what the column (or quantity) is
     */
    record Field(String name, String doc, List<String> columns) {
        Field {
            columns = List.copyOf(columns);
        }

        static Field plain(String name, String doc) {
            return new Field(name, doc, List.of(name));
        }

        static Field stats(String name, String doc) {
            return new Field(name, doc, SeedStats.header(name));
        }

        String shown() {
            if (columns.equals(List.of(name))) {
                return "`" + name + "`";
            }
            if (columns.equals(SeedStats.header(name))) {
                return "`" + name + "_mean`, `_sd`, `_n`";
            }
            return "`" + name + "` (" + columns.size() + " columns)";
        }
    }

    Table {
        fields = List.copyOf(fields);
        rows = List.copyOf(rows);
        notes = List.copyOf(notes);
    }

    List<String> header() {
        return fields.stream().flatMap(f -> f.columns().stream()).toList();
    }

    String csv() {
        StringWriter out = new StringWriter();
        try (CSVPrinter p = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setRecordSeparator("\n").get())) {
            p.printRecord(header());
            for (List<String> r : rows) {
                if (r.size() != header().size()) {
                    throw new IllegalStateException(name + ": a row of " + r.size() + " fields under "
                            + header().size() + " columns");
                }
                p.printRecord(r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(title).append("\n\n").append(description).append("\n\n");
        sb.append("File: [`").append(name).append(".csv`](").append(name).append(".csv), ").append(rows.size())
                .append(rows.size() == 1 ? " row" : " rows")
                .append(". Number format, `_mean/_sd/_n`, `seeds` and `gaps`: [README.md](README.md).\n\n");
        sb.append("| column | meaning |\n|---|---|\n");
        for (Field f : fields) {
            sb.append("| ").append(f.shown()).append(" | ").append(f.doc().replace("|", "\\|")).append(" |\n");
        }
        if (!notes.isEmpty()) {
            sb.append("\n## Notes\n\n");
            notes.forEach(n -> sb.append("- ").append(n).append('\n'));
        }
        return sb.toString();
    }

    /** Writes {@code <name>.csv} and {@code <name>.md} into {@code dir}; returns their names. */
    List<String> write(Path dir) {
        AtomicFiles.writeString(dir.resolve(name + ".csv"), csv());
        AtomicFiles.writeString(dir.resolve(name + ".md"), markdown());
        return List.of(name + ".csv", name + ".md");
    }

    /** Builds a table column by column, then row by row. */
    static final class Builder {
        private final String name;
        private final String title;
        private final String description;
        private final List<Field> fields = new ArrayList<>();
        private final List<List<String>> rows = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();

        Builder(String name, String title, String description) {
            this.name = name;
            this.title = title;
            this.description = description;
        }

        Builder column(String column, String doc) {
            fields.add(Field.plain(column, doc));
            return this;
        }

        Builder stats(String quantity, String doc) {
            fields.add(Field.stats(quantity, doc));
            return this;
        }

        /** The group columns: {@code encoder, llm, sae_layers, control}, then {@code extra} (e.g. the layer). */
        Builder groupColumns(List<Field> extra) {
            column("encoder", "vision encoder id");
            column("llm", "language model id");
            column("sae_layers", "SAE layer set the projector was trained against (`none`: cross-entropy only, "
                    + "the no-SAE projector)");
            column("control", "`none`, or the control the projector was trained under (e.g. `random-sae`: random "
                    + "SAEs of the same shape)");
            fields.addAll(extra);
            column("seeds", "seeds of the group's finished cells");
            column("gaps", "the group's cells that did not finish, e.g. `s18 failed`; empty when none");
            return this;
        }

        /** A group row: its coordinates, {@code extra} key values, seeds and gaps, then {@code values}. */
        Builder row(CellGroup g, List<String> extra, List<String> values) {
            List<String> r = new ArrayList<>(g.keys());
            r.addAll(extra);
            r.add(g.seeds());
            r.add(g.gaps());
            r.addAll(values);
            rows.add(r);
            return this;
        }

        Builder columns(Field family) {
            fields.add(family);
            return this;
        }

        /** A row as it is (for tables whose rows are not groups). */
        Builder row(List<String> values) {
            rows.add(List.copyOf(values));
            return this;
        }

        Builder note(String note) {
            notes.add(note);
            return this;
        }

        /** Notes for the absent metric families and the groups with gaps. */
        Builder gapNotes(Metrics metrics, List<String> families, List<CellGroup> groups) {
            for (String f : families) {
                if (!metrics.any(f + ".")) {
                    note("no `" + f + ".*` metric in this run (the spec does not measure it, or no cell finished): "
                            + "its columns are empty.");
                }
            }
            List<String> gaps = groups.stream().filter(g -> !g.gaps().isEmpty())
                    .map(g -> "`" + g.label() + "`: " + g.gaps()).toList();
            if (!gaps.isEmpty()) {
                note("groups with cells that did not finish (their rows hold the finished seeds only): "
                        + String.join(", ", gaps) + ".");
            }
            return this;
        }

        Table build() {
            return new Table(name, title, description, fields, rows, notes);
        }
    }
}
