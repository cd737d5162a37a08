package org.vistabench.report;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.vistabench.cli.Main;
import org.vistabench.io.Json;
import org.vistabench.results.MetricsCsv;
import org.vistabench.results.MetricsTable;
import org.vistabench.run.ReportInputs;
import org.vistabench.spec.Cell;

/**
 * A hand-made results folder for the report tests: encoders {@code enc-a}, {@code enc-b} × LLM {@code lm} × layer sets
 * {@code none}, {@code early} (+ the {@code random-sae} control on {@code early}) × seeds 1, 2; cell
 * {@code enc-b/lm/early/none} seed 2 failed and {@code enc-b/lm/none/none} seed 2 never ran (pending). Every metric
 * of a done cell is {@link #value}, a pseudo-random number of (cell, metric), so tests recompute what the tables must
 * hold; {@code localization.*.l1} is NaN in seed 2 (nothing scored). Records follow the image/heat-map contract:
 * {@code images/<id>.png}, localization records with {@code grid}, {@code map}, {@code mask}, steering records with
 * {@code grid}, {@code patches}.
 */
final class ReportFixture {
    static final String SPEC = """
            name: fixture
            seed: 1
            seeds: [1, 2]
            encoders:
              - {id: enc-b, path: x}
              - {id: enc-a, path: x}
            llms:
              - {id: lm, path: x}
            sae_layer_sets:
              none: []
              early: [0, 1]
            controls: [random-sae]
            """;
    static final List<String> ENCODERS = List.of("enc-b", "enc-a");
    static final List<Long> SEEDS = List.of(1L, 2L);
    static final Cell FAILED = Cell.of("enc-b", "lm", "early", "none", 2);
    static final Cell PENDING = Cell.of("enc-b", "lm", "none", "none", 2);
    static final int GRID = 4;
    static final int IMAGE = 56;
    static final List<Long> IMAGE_IDS = List.of(7L, 8L);

    /** The families a fixture measures (all by default); drop one to test an absent metric. */
    private final List<String> families;
    private final boolean images;

    ReportFixture(List<String> families, boolean images) {
        this.families = List.copyOf(families);
        this.images = images;
    }

    static ReportFixture full() {
        return new ReportFixture(List.of("match_rate", "localization", "recon", "steering", "qa", "caption", "train"),
                true);
    }

    /** Every cell of the matrix, sorted by id. */
    static List<Cell> cells() {
        List<Cell> out = new ArrayList<>();
        for (String e : ENCODERS) {
            for (long s : SEEDS) {
                out.add(Cell.of(e, "lm", "none", "none", s));
                out.add(Cell.of(e, "lm", "early", "none", s));
                out.add(Cell.of(e, "lm", "early", "random-sae", s));
            }
        }
        out.sort(java.util.Comparator.comparing(Cell::id));
        return out;
    }

    static boolean done(Cell c) {
        return !c.equals(FAILED) && !c.equals(PENDING);
    }

    /** A metric of a done cell: pseudo-random in [0, 1), NaN for localization at layer 1 in seed 2. */
    static double value(Cell c, String metric) {
        if (metric.startsWith("localization.") && metric.endsWith(".l1") && c.seed() == 2) {
            return Double.NaN;
        }
        return new SplittableRandom((c.id() + "|" + metric).hashCode()).nextDouble();
    }

    /** The metric names of the families measured. */
    List<String> metrics() {
        List<String> out = new ArrayList<>();
        List<String> layers = List.of("l0", "l1", "mean");
        if (families.contains("match_rate")) {
            for (String q : List.of("rate", "shuffled", "excess", "rate_object", "excess_object", "text_rate")) {
                layers.forEach(l -> out.add("match_rate." + q + "." + l));
            }
        }
        if (families.contains("localization")) {
            for (String q : List.of("pointing", "chance", "excess", "auroc", "n")) {
                layers.forEach(l -> out.add("localization." + q + "." + l));
            }
            out.add("localization.excess.dog");
        }
        if (families.contains("recon")) {
            for (String q : List.of("image_mse", "text_mse", "image_l0_frac", "text_l0_frac", "rel_gap")) {
                List.of("l0", "l1").forEach(l -> out.add("recon." + q + "." + l));
            }
        }
        if (families.contains("steering")) {
            for (String t : List.of("removal", "replacement", "attribute")) {
                out.add("steering." + t + ".n");
                out.add("steering." + t + "_success");
                for (String iv : PaperTables.INTERVENTIONS) {
                    for (String x : List.of("", "_lo", "_hi")) {
                        out.add("steering." + t + "." + iv + x);
                    }
                }
            }
            PaperTables.INTERVENTIONS.forEach(iv -> out.add("steering.well_formed." + iv));
        }
        if (families.contains("qa")) {
            out.add("qa.accuracy");
            for (String t : List.of("object", "colour")) {
                out.add("qa.accuracy." + t);
                out.add("qa.n." + t);
            }
        }
        if (families.contains("caption")) {
            out.addAll(List.of("caption.recall", "caption.recall_shuffled", "caption.precision"));
        }
        if (families.contains("train")) {
            out.addAll(List.of("train.ce_final", "train.ce_final_over_untrained"));
        }
        return out;
    }

    /** Writes the folder (run.json, cells, tables/metrics.csv, images) under {@code dir}. */
    Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<MetricsTable.Row> rows = new ArrayList<>();
        ObjectNode cellsNode = Json.MAPPER.createObjectNode();
        for (Cell c : cells()) {
            ObjectNode e = cellsNode.putObject(c.id());
            e.put("encoder", c.encoder()).put("llm", c.llm()).put("saeLayers", c.saeLayers())
                    .put("control", c.control()).put("seed", c.seed())
                    .put("status", c.equals(FAILED) ? "failed" : c.equals(PENDING) ? "pending" : "done");
            if (c.equals(PENDING)) {
                continue;
            }
            Path cd = dir.resolve("cells").resolve(c.id());
            Files.createDirectories(cd);
            if (c.equals(FAILED)) {
                Files.writeString(cd.resolve("error.txt"), "boom: out of memory\nstack\n");
                Files.writeString(cd.resolve("failed"), "");
                continue;
            }
            ObjectNode m = Json.MAPPER.createObjectNode();
            m.set("cell", Json.MAPPER.valueToTree(c));
            ObjectNode values = m.putObject("metrics");
            for (String name : metrics()) {
                double v = value(c, name);
                rows.add(new MetricsTable.Row(c, name, v));
                if (Double.isFinite(v)) {
                    values.put(name, v);
                } else {
                    values.put(name, "NaN");
                }
            }
            Files.writeString(cd.resolve("metrics.json"), Json.MAPPER.writeValueAsString(m));
            if (families.contains("localization")) {
                Files.writeString(cd.resolve("localization.jsonl"), localization(c));
            }
            if (families.contains("steering")) {
                Files.writeString(cd.resolve("steering.jsonl"), steering(c));
            }
            Files.writeString(cd.resolve("done"), "");
        }
        MetricsCsv.write(dir.resolve("tables/metrics.csv"), new MetricsTable(rows));
        ObjectNode run = Json.MAPPER.createObjectNode();
        run.put("format", 1);
        run.putObject("spec").put("name", "fixture").put("file", "fixture.yaml").put("sha256", "0".repeat(64))
                .put("text", SPEC);
        run.put("seed", 1);
        run.putArray("seeds").add(1).add(2);
        run.putObject("git").put("commit", "abc1234def").put("dirty", false);
        run.putObject("versions").put("vistabench", "0.1.0");
        run.put("device", "cpu");
        run.putArray("sessions");
        run.set("cells", cellsNode);
        run.putArray("sources");
        Files.writeString(dir.resolve("run.json"), Json.MAPPER.writeValueAsString(run));
        if (images) {
            for (long id : IMAGE_IDS) {
                writeImage(dir.resolve("images/" + id + ".png"), id);
            }
        }
        return dir;
    }

    /** {@link #write} and read back as the run layer hands it to the report. */
    ReportInput input(Path dir) throws IOException {
        return ReportInputs.read(write(dir));
    }

    /** Runs {@code check} on the folder with a two-claim golden file, so that it has a golden.json. */
    static void check(Path results, Path golden) throws IOException {
        Files.writeString(golden, """
                claims:
                  - id: sae-loss-raises-match-rate
                    source: "abstract: a ~3x higher matching rate with the SAE loss"
                    metric: match_rate.excess.mean
                    for: {encoder: "*", llm: "*"}
                    expect: {ratio_of: {sae_layers: early}, to: {sae_layers: none}, at_least: 0.5}
                  - id: recall-floor
                    source: "prototype lesson: the no-SAE projector captions"
                    metric: caption.recall
                    for: {encoder: enc-a, sae_layers: none}
                    expect: {at_least: 0.0}
                """);
        Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "check",
                results.toString(), "--golden=" + golden, "--allow-missing");
    }

    private static String localization(Cell c) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (long id : IMAGE_IDS) {
            for (int layer = 0; layer < 2; layer++) {
                ObjectNode o = Json.MAPPER.createObjectNode();
                o.put("image_id", id).put("layer", layer).put("category", "dog").put("latent", 3 + layer)
                        .put("hit", layer == 0 ? 1.0 : 0.0).put("chance", 0.25).put("auroc", 0.75);
                o.put("grid", GRID);
                ArrayNode map = o.putArray("map");
                SplittableRandom r = new SplittableRandom(id * 10 + layer);
                for (int i = 0; i < GRID * GRID; i++) {
                    map.add((float) r.nextDouble());
                }
                o.put("mask", "0000011001100000");
                sb.append(line(o));
            }
        }
        return sb.toString();
    }

    private static String steering(Cell c) throws IOException {
        StringBuilder sb = new StringBuilder();
        Map<String, String[]> tasks = new TreeMap<>(Map.of(
                // as the provider writes them: removal and replacement ask the object question (null here)
                "removal", new String[] {"dog", null, null, "dog and cake .", "cake ."},
                "replacement", new String[] {"dog", "cat", null, "dog and cake .", "cat and cake ."},
                "attribute", new String[] {"sleeping", "awake", "Is the dog sleeping?", "yes", "no"}));
        for (long id : IMAGE_IDS) {
            for (Map.Entry<String, String[]> t : tasks.entrySet()) {
                for (String iv : PaperTables.INTERVENTIONS) {
                    String[] v = t.getValue();
                    ObjectNode o = Json.MAPPER.createObjectNode();
                    o.put("image_id", id).put("task", t.getKey()).put("object", "dog").put("from", v[0])
                            .put("to", v[1]).put("question", v[2]).put("intervention", iv);
                    o.putArray("patches").add(5).add(6).add(9).add(10);
                    o.put("grid", GRID);
                    boolean success = id == IMAGE_IDS.get(0);
                    o.put("unsteered", v[3]).put("steered", success ? v[4] : v[3]).put("success", success)
                            .put("why", success ? "changed" : "unchanged");
                    sb.append(line(o));
                }
            }
        }
        return sb.toString();
    }

    /** One JSON-lines record, as the providers write them. */
    private static String line(ObjectNode o) throws IOException {
        return Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o) + "\n";
    }

    private static void writeImage(Path file, long id) throws IOException {
        BufferedImage img = new BufferedImage(IMAGE, IMAGE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(200, 220, 240));
        g.fillRect(0, 0, IMAGE, IMAGE);
        g.setColor(id % 2 == 0 ? Color.RED : Color.BLUE);
        g.fillRect(IMAGE / 4, IMAGE / 4, IMAGE / 2, IMAGE / 2);
        g.dispose();
        Files.createDirectories(file.getParent());
        ImageIO.write(img, "png", file.toFile());
    }
}
