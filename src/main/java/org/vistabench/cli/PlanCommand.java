package org.vistabench.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.vistabench.core.ExitCodes;
import org.vistabench.io.Json;
import org.vistabench.spec.Cell;
import org.vistabench.spec.MatrixExpander;
import org.vistabench.spec.Overrides;
import org.vistabench.spec.Shards;
import org.vistabench.spec.Spec;
import org.vistabench.spec.SpecException;
import org.vistabench.spec.SpecLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** {@code vistabench plan SPEC}: the cells a spec expands to and the shard each one runs in. Writes nothing. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        header = "List the cells of a spec's matrix and their shards.",
        description = {"List the cells of a spec's matrix (encoder x llm x SAE layer set x control",
            "x seed, after matrix include/exclude) and the shard each cell belongs to.",
            "Shards are 0-based and depend only on the cell id, so adding cells never",
            "moves existing ones. Writes nothing."},
        footer = {"", "Examples:",
            "  vistabench plan specs/mini.yaml                  table of all cells",
            "  vistabench plan specs/mini.yaml --shards 3       ... with their shard of 3",
            "  vistabench plan specs/paper.yaml --format csv > cells.csv",
            "  vistabench plan specs/mini.yaml --format json --shards 4",
            "", "Exit codes: 0 ok, 2 the spec or an option is invalid (errors on stderr)."})
public final class PlanCommand implements Callable<Integer> {
    enum Format { table, csv, json }

    private static final List<String> COLUMNS = List.of("cell", "encoder", "llm", "sae_layers", "control", "seed",
            "shard");

    @Parameters(index = "0", paramLabel = "SPEC", description = "The spec file (YAML), see specs/README.md.")
    Path specFile;

    @Option(names = "--shards", paramLabel = "N", defaultValue = "1",
            description = "Number of shards to split the cells into (default: ${DEFAULT-VALUE}).")
    int shards;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a spec value before it is checked, as 'run --set' does (repeatable).")
    List<String> sets;

    @picocli.CommandLine.Option(names = "--limit", paramLabel = "N",
            description = "Cap the evaluation images at N, as 'run --limit' does.")
    Integer limit;

    @picocli.CommandLine.Spec
    CommandSpec command;

    @Override
    public Integer call() {
        if (shards < 1) {
            throw new CommandLine.ParameterException(command.commandLine(),
                    "--shards must be at least 1, got " + shards);
        }
        Spec spec;
        try {
            spec = SpecLoader.load(specFile, Overrides.of(sets, limit));
        } catch (SpecException e) {
            return ValidateCommand.report(command.commandLine().getErr(), e);
        }
        spec.sameLayerSetWarnings().forEach(w -> command.commandLine().getErr().println("warning: " + w));
        List<Cell> cells = MatrixExpander.expand(spec);
        List<List<String>> rows = new ArrayList<>();
        for (Cell c : cells) {
            rows.add(List.of(c.id(), c.encoder(), c.llm(), c.saeLayers(), c.control(), Long.toString(c.seed()),
                    Integer.toString(Shards.of(c.id(), shards))));
        }
        PrintWriter out = command.commandLine().getOut();
        switch (format) {
            case table -> table(out, rows);
            case csv -> csv(out, rows);
            case json -> json(out, spec, cells);
            default -> throw new IllegalStateException("unhandled format " + format);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private void table(PrintWriter out, List<List<String>> rows) {
        int[] width = new int[COLUMNS.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = COLUMNS.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        out.println(line(COLUMNS, width));
        rows.forEach(r -> out.println(line(r, width)));
        int[] perShard = new int[shards];
        rows.forEach(r -> perShard[Integer.parseInt(r.get(COLUMNS.size() - 1))]++);
        StringBuilder summary = new StringBuilder(rows.size() + " cells");
        if (shards > 1) {
            summary.append(" in ").append(shards).append(" shards:");
            for (int i = 0; i < shards; i++) {
                summary.append(' ').append(i).append('=').append(perShard[i]);
            }
        }
        out.println(summary);
    }

    private static String line(List<String> cells, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String v = cells.get(i);
            sb.append(v);
            if (i < cells.size() - 1) {
                sb.append(" ".repeat(width[i] - v.length() + 2));
            }
        }
        return sb.toString();
    }

    private static void csv(PrintWriter out, List<List<String>> rows) {
        try {
            CSVPrinter printer = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get());
            printer.printRecord(COLUMNS);
            for (List<String> r : rows) {
                printer.printRecord(r);
            }
            printer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void json(PrintWriter out, Spec spec, List<Cell> cells) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Cell c : cells) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cell", c.id());
            m.put("encoder", c.encoder());
            m.put("llm", c.llm());
            m.put("sae_layers", c.saeLayers());
            m.put("control", c.control());
            m.put("seed", c.seed());
            m.put("shard", Shards.of(c.id(), shards));
            list.add(m);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("spec", spec.name());
        doc.put("spec_sha256", spec.sha256());
        List<String> overrides = Overrides.of(sets, limit).canonical();
        if (!overrides.isEmpty()) {
            doc.put("overrides", overrides);   // with the sha256, the spec's identity as run.json records it
        }
        doc.put("shards", shards);
        doc.put("cells", list);
        try {
            out.println(Json.MAPPER.writeValueAsString(doc));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
