package org.vistabench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.vistabench.io.AtomicFiles;

/**
 * {@code summary.md}: the page a person reads first. The run's facts (spec, code, versions, device, seeds, cells by
 * status), the claims table (claim, the paper's statement, expected, measured, spread, outcome, links to the tables
 * and figures that show it), the key numbers per cell group, the cells that did not finish, and the index of tables
 * and figures. No times: the same results folder gives the same bytes.
 */
public final class SummaryMarkdown implements ReportPart {
    static final String FILE = "summary.md";

    /** Which tables and figures show a claim's metric, by the metric's prefix (the first match wins). */
    private record Link(String prefix, List<String> tables, String figures) {
    }

    private static final List<Link> LINKS = List.of(
            new Link("match_rate.", List.of("match_rate"), "match_rate_layers_"),
            new Link("localization.", List.of("localization"), "localization_"),
            new Link("recon.", List.of("recon"), "recon_"),
            new Link("train.image_recon", List.of("recon", "cells"), "recon_mse_layers_"),
            new Link("train.", List.of("tradeoff", "cells"), null),
            new Link("steering.", List.of("steering_gains", "steering"), "steering_"),
            new Link("qa.", List.of("tradeoff", "qa"), "tradeoff_qa"),
            new Link("caption.", List.of("tradeoff"), "tradeoff_caption"),
            new Link("", List.of("cells"), null));
    /** More figures than this for one claim: link the figures' index instead. */
    private static final int MAX_FIGURE_LINKS = 3;

    @Override
    public String name() {
        return "summary";
    }

    @Override
    public List<Path> write(ReportInput in, Path out, Options options) {
        AtomicFiles.writeString(out.resolve(FILE), markdown(ReportData.of(in)));
        return List.of(Path.of(FILE));
    }

    static String markdown(ReportData d) {
        List<Table> tables = PaperTables.build(d);
        List<Figure> figures = Figures.plan(d);
        StringBuilder sb = new StringBuilder("# Report: ").append(d.in().specName()).append("\n\n");
        sb.append(facts(d).markdown());
        sb.append("\n## Claims\n\n");
        Claims.of(d.in()).ifPresentOrElse(g -> {
            sb.append("Golden file `").append(g.name()).append("`: ").append(g.counts().isEmpty() ? "no claims"
                    : g.counts()).append(". Measured: the pair or group that decides the outcome (the worst failing "
                    + "one, else the weakest); every group is in the results folder's golden.csv.\n\n");
            List<List<String>> rows = new ArrayList<>();
            for (Claims.Row r : g.rows()) {
                rows.add(List.of("`" + r.id() + "`", r.source(), r.expected(),
                        r.measured() + (r.where().isEmpty() ? "" : " (" + r.where() + ")"), r.spread(),
                        "**" + r.outcome() + "**", links(r.quantity(), figures)));
            }
            sb.append(new TextGrid(List.of("claim", "the paper's statement", "expected", "measured", "spread",
                    "outcome", "see"), List.of(false, false, false, false, false, false, false), rows).markdown());
            List<Claims.Row> notPass = g.rows().stream().filter(r -> !r.outcome().equals("PASS")).toList();
            if (!notPass.isEmpty()) {
                sb.append("\nWhy the claims that did not pass did not:\n\n");
                notPass.forEach(r -> sb.append("- ").append(r.explanation()).append('\n'));
            }
        }, () -> sb.append("No golden.json in the results folder: the claims were not checked "
                + "(`vistabench check RESULTS` checks them).\n"));
        sb.append("\n## Key numbers\n\nSeed means per cell group (sd and n: the tables); `seeds` = finished / all."
                + "\n\n");
        sb.append(KeyNumbers.grid(d).markdown()).append('\n');
        KeyNumbers.keys(d).forEach(k -> sb.append("- ").append(k.header()).append(": ").append(k.doc())
                .append(" (`").append(k.metric()).append("`)\n"));
        List<String> unfinished = d.unfinished();
        if (!unfinished.isEmpty()) {
            sb.append("\n## Cells that did not finish\n\nTheir groups' rows hold the finished seeds only; each table "
                    + "names them in its `gaps` column.\n\n");
            unfinished.forEach(u -> sb.append("- `").append(u.replaceFirst(":", "`:")).append('\n'));
        }
        sb.append("\n## Tables\n\nConventions (number format, seed statistics, gaps): [tables/README.md]"
                + "(tables/README.md).\n\n");
        for (Table t : tables) {
            sb.append("- [").append(t.title()).append("](").append(PaperTables.DIR).append('/').append(t.name())
                    .append(".csv), ").append(t.rows().size()).append(t.rows().size() == 1 ? " row" : " rows")
                    .append(" ([columns](").append(PaperTables.DIR).append('/').append(t.name()).append(".md))\n");
        }
        sb.append("\n## Figures\n\n");
        figures.stream().filter(Figure::isDrawn).forEach(f -> sb.append("- [").append(f.title()).append("](")
                .append(Figures.DIR).append('/').append(f.file()).append(")\n"));
        long skipped = figures.stream().filter(f -> !f.isDrawn()).count();
        String why = skipped == 0 ? "" : ", and why " + skipped + (skipped == 1 ? " figure was" : " figures were")
                + " not drawn";
        sb.append("\nCaptions").append(why).append(": [figures/README.md](figures/README.md).\n");
        return sb.toString();
    }

    /** The run's facts as a two-column table. */
    static TextGrid facts(ReportData d) {
        JsonNode run = d.in().run();
        JsonNode spec = run.path("spec");
        String sha = spec.path("sha256").asText("");
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("spec", "`" + d.in().specName() + "` (" + Path.of(spec.path("file").asText("?"))
                .getFileName() + ", sha256 `" + sha.substring(0, Math.min(12, sha.length())) + "`)"));
        rows.add(List.of("code", commits(run)));
        List<String> versions = new ArrayList<>();
        run.path("versions").fields().forEachRemaining(e -> versions.add(e.getKey() + " " + e.getValue().asText()));
        rows.add(List.of("versions", versions.isEmpty() ? Fmt.NONE : String.join(", ", versions)));
        rows.add(List.of("device", run.path("device").asText(Fmt.NONE)));
        List<String> seeds = new ArrayList<>();
        run.path("seeds").forEach(s -> seeds.add(s.asText()));
        rows.add(List.of("seeds", seeds.isEmpty() ? run.path("seed").asText(Fmt.NONE) : String.join(", ", seeds)));
        rows.add(List.of("cells", d.cellCounts()));
        return new TextGrid(List.of("run", ""), List.of(false, false), rows);
    }

    /** The run's git commit (and whether the tree was dirty), plus other commits its sessions ran. */
    private static String commits(JsonNode run) {
        List<String> all = new ArrayList<>();
        all.add(commit(run.path("git")));
        run.path("sessions").forEach(s -> {
            String c = commit(s.path("git"));
            if (!all.contains(c)) {
                all.add(c);
            }
        });
        return all.stream().collect(Collectors.joining("; "));
    }

    private static String commit(JsonNode git) {
        String c = git.path("commit").asText("unknown");
        JsonNode dirty = git.path("dirty");
        return "git `" + c.substring(0, Math.min(12, c.length())) + "`"
                + (dirty.isBoolean() ? (dirty.asBoolean() ? " (dirty)" : " (clean)") : "");
    }

    /** Links to the tables and the drawn figures that show a metric. */
    static String links(String quantity, List<Figure> figures) {
        String metric = quantity.contains(" ") ? quantity.substring(0, quantity.indexOf(' ')) : quantity;
        Link l = LINKS.stream().filter(x -> metric.startsWith(x.prefix())).findFirst().orElseThrow();
        List<String> out = new ArrayList<>();
        l.tables().forEach(t -> out.add("[" + t + "](" + PaperTables.DIR + "/" + t + ".csv)"));
        if (l.figures() != null) {
            List<Figure> fs = figures.stream().filter(f -> f.isDrawn() && f.file().startsWith(l.figures())).toList();
            if (fs.size() > MAX_FIGURE_LINKS) {
                out.add("[figures](" + Figures.DIR + "/README.md)");
            } else {
                fs.forEach(f -> out.add("[" + f.file().replace(".png", "") + "](" + Figures.DIR + "/" + f.file()
                        + ")"));
            }
        }
        return String.join(", ", out);
    }
}
