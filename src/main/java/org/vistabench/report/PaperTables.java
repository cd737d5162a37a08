package org.vistabench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.vistabench.io.AtomicFiles;
import org.vistabench.spec.Cell;

/**
 * The paper's tables as CSV, each with its documentation: {@code tables/<name>.csv} and {@code tables/<name>.md},
 * plus {@code tables/README.md} (the index and the conventions). Rows are cell groups (the cells that differ only by
 * seed), with the seed mean, sd and n of every quantity ({@link SeedStats}); groups whose cells failed or did not run
 * are rows too, with their gaps named. The folder is rebuilt as a whole, so a table no longer made does not linger.
 */
public final class PaperTables implements ReportPart {
    static final String DIR = "tables";

    /** The paper's steering tasks and interventions, in the order tables list them (others follow by name). */
    static final List<String> TASKS = List.of("removal", "replacement", "attribute");
    static final List<String> INTERVENTIONS =
            List.of("sae_edit", "additive", "random_latents", "diff_means", "mean_ablation", "random_patches");
    /** The interventions that edit the labelled latents; the rest are the referee's controls. */
    static final List<String> EDITS = List.of("sae_edit", "additive");

    private static final String LAYER_DOC = "`l<L>`: the LLM layer L whose text SAE is read; `mean`: the provider's "
            + "pool over the SAE layers";

    /** A quantity of a table: its column name, the metric (or the metric stem before a key) and what it is. */
    record Quantity(String column, String metric, String doc) {
    }

    @Override
    public String name() {
        return "tables";
    }

    @Override
    public List<Path> write(ReportInput in, Path out, Options options) throws IOException {
        List<Table> tables = build(ReportData.of(in));
        return Report.rebuild(out, DIR, tmp -> {
            List<String> files = new ArrayList<>();
            tables.forEach(t -> files.addAll(t.write(tmp)));
            AtomicFiles.writeString(tmp.resolve("README.md"), index(tables));
            files.add("README.md");
            return files;
        });
    }

    /** Every table, in the order the index lists them. */
    static List<Table> build(ReportData d) {
        return List.of(matchRate(d), localization(d), localizationCategories(d), recon(d), steering(d),
                steeringGains(d), qa(d), tradeoff(d), cells(d));
    }

    static String index(List<Table> tables) {
        StringBuilder sb = new StringBuilder("# Tables\n\n");
        for (Table t : tables) {
            sb.append("- [`").append(t.name()).append(".csv`](").append(t.name()).append(".csv) (")
                    .append(t.rows().size()).append(t.rows().size() == 1 ? " row" : " rows").append("): ")
                    .append(t.title()).append(" — [columns](").append(t.name()).append(".md)\n");
        }
        return sb.append("\n## Conventions\n\n").append(Table.CONVENTIONS).toString();
    }

    static Table matchRate(ReportData d) {
        return perKey(d, new Table.Builder("match_rate", "Match rate by layer",
                "Do the text-SAE latents that fire on an image's tokens carry labels naming what the image shows? "
                        + "One row per cell group and SAE layer (and their pool, `mean`): the rate at image "
                        + "positions, its shuffled-image baseline and the excess over it, split into object and "
                        + "attribute words, and the same at the text positions of the same sequences (the paper's "
                        + "reference). Metrics `match_rate.*` (README, Measurements: match rate)."),
                "layer", LAYER_DOC, Metrics::layerKey, List.of(
                        new Quantity("rate", "match_rate.rate", "share of the top labelled latents at image positions "
                                + "whose label names a concept of the image"),
                        new Quantity("shuffled", "match_rate.shuffled", "the same latents judged against another "
                                + "image's concepts: the chance level"),
                        new Quantity("excess", "match_rate.excess", "rate − shuffled"),
                        new Quantity("rate_object", "match_rate.rate_object", "rate counting object (category) words"),
                        new Quantity("excess_object", "match_rate.excess_object", "its excess over shuffled"),
                        new Quantity("rate_attribute", "match_rate.rate_attribute",
                                "rate counting attribute (colour, state) words"),
                        new Quantity("excess_attribute", "match_rate.excess_attribute", "its excess over shuffled"),
                        new Quantity("text_rate", "match_rate.text_rate", "rate at the text positions"),
                        new Quantity("text_excess", "match_rate.text_excess", "its excess over shuffled"),
                        new Quantity("generic", "match_rate.generic",
                                "latents dropped by the generic filters (per layer only)")));
    }

    static Table localization(ReportData d) {
        return perKey(d, new Table.Builder("localization", "Localization by layer",
                "Where on the image do the latents that name an object fire? For the matched (latent, object) "
                        + "pairs, the pointing game against the object's patch mask, its chance level and AUROC. "
                        + "One row per cell group and SAE layer (and `mean`, pooled over layers). Metrics "
                        + "`localization.*`."),
                "layer", LAYER_DOC, Metrics::layerKey, List.of(
                        new Quantity("pointing", "localization.pointing",
                                "pointing game: share of pairs whose top patch lies in the mask (ties split)"),
                        new Quantity("chance", "localization.chance", "its chance level: the masks' area fraction"),
                        new Quantity("excess", "localization.excess", "pointing − chance"),
                        new Quantity("auroc", "localization.auroc", "AUROC of the activation vs mask membership"),
                        new Quantity("pairs", "localization.n", "scored (latent, object) pairs")));
    }

    static Table localizationCategories(ReportData d) {
        return perKey(d, new Table.Builder("localization_categories", "Localization by object category",
                "The pointing game's excess over chance per object category, pooled over layers: one row per cell "
                        + "group and category that was scored. Metrics `localization.excess.<category>`."),
                "category", "object category", s -> !Metrics.layerKey(s), List.of(
                        new Quantity("excess", "localization.excess", "pointing − chance for this category")));
    }

    static Table recon(ReportData d) {
        return perKey(d, new Table.Builder("recon", "SAE reconstruction and sparsity, image vs text positions",
                "How well the text SAEs reconstruct the residual at image positions, beside the text positions of "
                        + "the same sequences (the paper's Figs 11-18): one row per cell group and SAE layer. "
                        + "Metrics `recon.*`."),
                "layer", LAYER_DOC, Metrics::layerKey, List.of(
                        new Quantity("image_mse", "recon.image_mse",
                                "reconstruction MSE at image positions (mean over tokens × d_model)"),
                        new Quantity("text_mse", "recon.text_mse", "the same at text positions"),
                        new Quantity("image_rel", "recon.image_rel",
                                "scale-free error at image positions: summed error over summed mean-square residual"),
                        new Quantity("text_rel", "recon.text_rel", "the same at text positions"),
                        new Quantity("image_l0", "recon.image_l0", "active latents per image token"),
                        new Quantity("text_l0", "recon.text_l0", "active latents per text token"),
                        new Quantity("image_l0_frac", "recon.image_l0_frac", "image L0 as a fraction of the SAE width"),
                        new Quantity("text_l0_frac", "recon.text_l0_frac", "text L0 as a fraction of the SAE width"),
                        new Quantity("rel_gap", "recon.rel_gap", "|ln(image_rel / text_rel)|: 0 = alike"),
                        new Quantity("l0_gap", "recon.l0_gap", "|ln(image_l0 / text_l0)|: 0 = alike")));
    }

    static Table qa(ReportData d) {
        return perKey(d, new Table.Builder("qa", "Held-out question accuracy by type",
                "The benchmark side of the trade-off: greedy answers to the held-out questions, one row per cell "
                        + "group and question type. The mean over types is `qa_accuracy` in tradeoff.csv. Metrics "
                        + "`qa.accuracy.<type>`, `qa.n.<type>`."),
                "type", "question type", s -> true, List.of(
                        new Quantity("accuracy", "qa.accuracy", "share answered right (normalized exact match)"),
                        new Quantity("questions", "qa.n", "questions of this type")));
    }

    static Table tradeoff(ReportData d) {
        List<Quantity> qs = List.of(
                new Quantity("qa_accuracy", "qa.accuracy", "held-out question accuracy, mean over question types"),
                new Quantity("caption_recall", "caption.recall", "objects named in the caption / objects present"),
                new Quantity("caption_recall_shuffled", "caption.recall_shuffled",
                        "the same against another image's objects: chance"),
                new Quantity("caption_precision", "caption.precision", "objects named that are present / named"),
                new Quantity("ce_final", "train.ce_final", "answer cross-entropy after training (nats/token)"),
                new Quantity("ce_over_untrained", "train.ce_final_over_untrained",
                        "final CE / the untrained projector's"),
                new Quantity("match_excess", "match_rate.excess.mean",
                        "match rate over its shuffled baseline, mean over layers"),
                new Quantity("localization_excess", "localization.excess.mean",
                        "pointing game over chance, pooled over layers"),
                new Quantity("removal_success", "steering.removal_success", "removal success of the SAE edit"),
                new Quantity("replacement_success", "steering.replacement_success",
                        "replacement success of the SAE edit"),
                new Quantity("attribute_success", "steering.attribute_success", "attribute success of the SAE edit"));
        Table.Builder b = new Table.Builder("tradeoff", "Performance vs interpretability",
                "The paper's trade-off (Figs 22-23): what a projector costs on the benchmark (question accuracy, "
                        + "captions, cross-entropy) beside how interpretable its image tokens are (match-rate and "
                        + "localization excess, steering success); one row per cell group.");
        b.groupColumns(List.of());
        qs.forEach(q -> b.stats(q.column(), q.doc() + " (`" + q.metric() + "`)"));
        for (CellGroup g : d.groups()) {
            b.row(g, List.of(), values(d, g, qs, Optional.empty()));
        }
        return b.gapNotes(d.metrics(), families(qs), d.groups()).build();
    }

    static Table steering(ReportData d) {
        Table.Builder b = new Table.Builder("steering", "Steering success by task and intervention",
                "Localized edits of the image tokens at an object's patches, judged on the answers: one row per cell "
                        + "group, task (removal, replacement, attribute) and intervention (`sae_edit`, ours; "
                        + "`additive`, the authors'; the controls `random_latents`, `diff_means`, "
                        + "`mean_ablation`, `random_patches`). Metrics `steering.<task>.<intervention>`, "
                        + "`_lo`/`_hi`, `steering.<task>.n`, `steering.well_formed.<intervention>`.");
        b.groupColumns(List.of(Table.Field.plain("task", "steering task"),
                Table.Field.plain("intervention", "how the image tokens were edited")));
        b.stats("success", "success rate");
        b.stats("wilson_lo", "lower Wilson 95% bound of the success rate (per seed)");
        b.stats("wilson_hi", "upper Wilson 95% bound (per seed)");
        b.stats("pairs", "samples of the task");
        b.stats("well_formed", "share of steered answers that ended with a stop token (over every task)");
        b.stats("over_no_sae", "success − the no-SAE projector's success with the same intervention, per seed "
                + "(partner: sae_layers `none`, same encoder, LLM, seed and control, else control `none`); empty "
                + "for the no-SAE groups");
        for (CellGroup g : d.groups()) {
            for (String task : tasks(d)) {
                for (String iv : interventions(d, task)) {
                    String m = "steering." + task + "." + iv;
                    List<String> v = new ArrayList<>();
                    Stream.of(m, m + "_lo", m + "_hi", "steering." + task + ".n", "steering.well_formed." + iv)
                            .forEach(x -> v.addAll(d.metrics().stats(g, x).fields()));
                    v.addAll(overNoSae(d, g, m).fields());
                    b.row(g, List.of(task, iv), v);
                }
            }
        }
        return b.gapNotes(d.metrics(), List.of("steering"), d.groups()).build();
    }

    static Table steeringGains(ReportData d) {
        Table.Builder b = new Table.Builder("steering_gains",
                "Steering gains over the no-SAE projector and the controls",
                "The paper's removal / replacement / attribute comparisons: for each cell group, task and edit "
                        + "(`sae_edit`, `additive`), its success beside the no-SAE projector's (the abstract's "
                        + "\"35% / 47% more often\" is `ratio_to_no_sae`) and beside each control intervention "
                        + "on the same cells. Differences are per seed, then mean ± sd over seeds.");
        List<String> controls = controls(d);
        List<Table.Field> extra = List.of(Table.Field.plain("task", "steering task"),
                Table.Field.plain("edit", "the edit of the labelled latents"));
        b.groupColumns(extra);
        b.stats("success", "success rate");
        b.stats("over_no_sae", "success − the no-SAE projector's (same edit, same seed); empty for no-SAE groups");
        b.column("ratio_to_no_sae", "success mean / the no-SAE projector's mean over the same seeds; empty when "
                + "the latter is 0 or absent");
        controls.forEach(c -> b.stats("over_" + c, "success − the `" + c + "` control's on the same cell"));
        for (CellGroup g : d.groups()) {
            for (String task : tasks(d)) {
                for (String edit : EDITS) {
                    String m = "steering." + task + "." + edit;
                    List<String> v = new ArrayList<>(d.metrics().stats(g, m).fields());
                    v.addAll(overNoSae(d, g, m).fields());
                    v.add(g.noSae() ? "" : Fmt.num(Metrics.ratio(d.metrics().pairs(g, m, d::noSaePartner, m))));
                    for (String c : controls) {
                        v.addAll(Metrics.difference(d.metrics().pairs(g, m, Optional::of,
                                "steering." + task + "." + c)).fields());
                    }
                    b.row(g, List.of(task, edit), v);
                }
            }
        }
        return b.gapNotes(d.metrics(), List.of("steering"), d.groups()).build();
    }

    /** One row per cell, every metric of metrics.csv as a column: the wide view, with each cell's status. */
    static Table cells(ReportData d) {
        List<String> metrics = d.metrics().names();
        Table.Builder b = new Table.Builder("cells", "Every cell and metric",
                "The wide view of `tables/metrics.csv` (which keeps the exact values): one row per cell of the run, "
                        + "whatever its status, one column per metric.");
        b.column("cell", "cell id").column("encoder", "vision encoder id").column("llm", "language model id")
                .column("sae_layers", "SAE layer set").column("control", "control").column("seed", "seed")
                .column("status", "`done`, `failed`, `incomplete` (killed or running) or `pending` (not started, "
                        + "or a missing shard)")
                .column("error", "first line of a failed cell's error.txt");
        b.columns(new Table.Field("<metric>", "one column per metric, by name; empty when the cell has no such "
                + "metric or it is NaN", metrics));
        List<ReportInput.CellRow> rows = new ArrayList<>(d.in().cells());
        rows.sort(Comparator.comparing(ReportInput.CellRow::cell, d.order().cells()));
        for (ReportInput.CellRow r : rows) {
            Cell c = r.cell();
            List<String> v = new ArrayList<>(List.of(c.id(), c.encoder(), c.llm(), c.saeLayers(), c.control(),
                    Long.toString(c.seed()), r.status(), r.error() == null ? "" : r.error()));
            metrics.forEach(m -> v.add(Fmt.num(d.metrics().value(c, m))));
            b.row(v);
        }
        return b.build();
    }

    /**
     * A table of one row per cell group and key (a layer, a category, a question type): the keys are the next name
     * parts of the quantities' metrics that {@code keys} accepts, over the whole run.
     */
    private static Table perKey(ReportData d, Table.Builder b, String key, String keyDoc, Predicate<String> keys,
                                List<Quantity> qs) {
        Set<String> found = new LinkedHashSet<>();
        qs.forEach(q -> d.metrics().children(q.metric()).stream().filter(keys).forEach(found::add));
        List<String> ks = found.stream().sorted(Metrics.LAYERS).toList();
        b.groupColumns(List.of(Table.Field.plain(key, keyDoc)));
        qs.forEach(q -> b.stats(q.column(), q.doc() + " (`" + q.metric() + ".<" + key + ">`)"));
        for (CellGroup g : d.groups()) {
            for (String k : ks) {
                b.row(g, List.of(k), values(d, g, qs, Optional.of(k)));
            }
        }
        return b.gapNotes(d.metrics(), families(qs), d.groups()).build();
    }

    private static List<String> values(ReportData d, CellGroup g, List<Quantity> qs, Optional<String> key) {
        List<String> v = new ArrayList<>();
        for (Quantity q : qs) {
            v.addAll(d.metrics().stats(g, q.metric() + key.map(k -> "." + k).orElse("")).fields());
        }
        return v;
    }

    private static List<String> families(List<Quantity> qs) {
        return qs.stream().map(q -> q.metric().substring(0, q.metric().indexOf('.'))).distinct().toList();
    }

    private static SeedStats overNoSae(ReportData d, CellGroup g, String metric) {
        return g.noSae() ? SeedStats.NONE : Metrics.difference(d.metrics().pairs(g, metric, d::noSaePartner, metric));
    }

    /** The run's steering tasks: {@code steering.<task>.n} exists. */
    static List<String> tasks(ReportData d) {
        return d.metrics().children("steering").stream()
                .filter(t -> d.metrics().children("steering." + t).contains("n"))
                .sorted(SpecOrder.by(TASKS)).toList();
    }

    /** A task's interventions: its metrics other than {@code n} and the Wilson bounds. */
    static List<String> interventions(ReportData d, String task) {
        return d.metrics().children("steering." + task).stream()
                .filter(s -> !s.equals("n") && !s.endsWith("_lo") && !s.endsWith("_hi"))
                .sorted(SpecOrder.by(INTERVENTIONS)).toList();
    }

    /** The control interventions the run measured (every task's), or the default four when it measured none. */
    static List<String> controls(ReportData d) {
        Set<String> out = new LinkedHashSet<>();
        tasks(d).forEach(t -> interventions(d, t).stream().filter(iv -> !EDITS.contains(iv)).forEach(out::add));
        List<String> found = out.stream().sorted(SpecOrder.by(INTERVENTIONS)).toList();
        return found.isEmpty() ? INTERVENTIONS.stream().filter(iv -> !EDITS.contains(iv)).toList() : found;
    }
}
