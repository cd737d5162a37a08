package org.vistabench.report.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.vistabench.io.Json;
import org.vistabench.io.Sha256;
import org.vistabench.spec.Cell;

/**
 * A hand-made results folder in the layout {@code run} writes, small and with every case the reports must handle:
 * five cells of spec {@code fixture} (one done with per-patch records and steering, one done with match-rate records
 * only, one failed, one incomplete, one pending), three images, and a golden.json with one claim of each outcome.
 */
public final class ResultsFixture {
    public static final String SPEC = "fixture";
    public static final Cell FULL = Cell.of("enc-a", "lm", "early", "none", 17);
    public static final Cell MATCH_ONLY = Cell.of("enc-a", "lm", "early", "none", 18);
    public static final Cell FAILED = Cell.of("enc-a", "lm", "none", "none", 17);
    public static final Cell INCOMPLETE = Cell.of("enc-b", "lm", "none", "none", 17);
    public static final Cell PENDING = Cell.of("enc-b", "lm", "early", "none", 17);
    public static final List<Cell> CELLS = List.of(FULL, MATCH_ONLY, FAILED, INCOMPLETE, PENDING);
    /** The claim ids of golden.json, one per outcome, in file order. */
    public static final List<String> CLAIMS = List.of("ce-drops", "match-rate-above-chance", "localizes-objects",
            "tiny-lm-reads-prefix", "steering-known-weak");
    public static final List<String> OUTCOMES = List.of("PASS", "FAIL", "NOT_EVALUATED", "KNOWN_FAIL",
            "UNEXPECTED_PASS");
    public static final String ERROR = "match_rate: the fixture's cell fails on purpose";
    /** Layer 0 and layer 1 of the full cell's image 1 have different top latents (labels in {@link #label}). */
    public static final int GRID = 4;
    static final String SPEC_TEXT = "name: fixture\nseeds: [17, 18]\nmetrics:\n  train: {}\n  match_rate: {}\n"
            + "  localization: {}\n  steering: {}\n";

    private ResultsFixture() {
    }

    /** The label of a latent at a layer: the words tell layers apart on the page. */
    public static String label(int layer, int latent) {
        return (layer == 0 ? "dog (object; top tokens 'dog', 'puppy')" : "snow (scene; top tokens 'snow', 'white')")
                + " #" + latent;
    }

    /** Writes the folder at {@code dir} (which must not hold another run) and returns it. */
    public static Path write(Path dir) {
        try {
            Files.createDirectories(dir);
            writeJson(dir.resolve("run.json"), manifest());
            for (Cell c : List.of(FULL, MATCH_ONLY)) {
                Path cd = cellDir(dir, c);
                writeJson(cd.resolve("metrics.json"), metrics(c));
                Files.writeString(cd.resolve("done"), "fixture\n");
                Files.writeString(cd.resolve("trace.csv"), "step,ce\n0,4.0\n1,3.5\n");
                writeLines(cd.resolve("match_rate.jsonl"), matchRate(c == FULL ? 0 : 3));
            }
            writeLines(cellDir(dir, FULL).resolve("patches.jsonl"), patches());
            writeLines(cellDir(dir, FULL).resolve("steering.jsonl"), steering());
            Path failed = cellDir(dir, FAILED);
            Files.writeString(failed.resolve("error.txt"), ERROR + "\n\nat somewhere\n");
            Files.writeString(failed.resolve("failed"), "");
            Files.createDirectories(cellDir(dir, INCOMPLETE));
            Path images = dir.resolve("images");
            Files.createDirectories(images);
            for (int id = 1; id <= 3; id++) {
                Files.write(images.resolve(id + ".png"), png(id));
            }
            writeJson(dir.resolve("golden.json"), golden());
            Files.createDirectories(dir.resolve("tables"));
            Files.writeString(dir.resolve("tables").resolve("metrics.csv"), "cell,metric,value\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path cellDir(Path dir, Cell c) throws IOException {
        return Files.createDirectories(dir.resolve("cells").resolve(c.id()));
    }

    private static ObjectNode manifest() {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.put("format", 1);
        ObjectNode spec = m.putObject("spec");
        spec.put("name", SPEC);
        spec.put("file", "specs/fixture.yaml");
        spec.put("sha256", Sha256.hex(SPEC_TEXT.getBytes(StandardCharsets.UTF_8)));
        spec.put("text", SPEC_TEXT);
        m.put("seed", 17);
        m.putArray("seeds").add(17).add(18);
        m.putObject("git").put("commit", "0123456789abcdef0123456789abcdef01234567").put("dirty", false);
        m.putObject("versions").put("java", "17").put("vistabench", "0.1.0");
        m.put("device", "cpu");
        ObjectNode s = m.putArray("sessions").addObject();
        s.put("command", "run specs/fixture.yaml");
        s.put("pid", 1);
        s.put("host", "fixture-host");
        s.put("started", "2026-01-02T03:04:05Z");
        s.put("ended", "2026-01-02T03:14:05Z");
        s.put("status", "finished");
        ObjectNode cells = m.putObject("cells");
        for (Cell c : CELLS) {
            String status = c == FULL || c == MATCH_ONLY ? "done" : c == FAILED ? "failed"
                    : c == INCOMPLETE ? "running" : "pending";
            cells.putObject(c.id()).put("encoder", c.encoder()).put("llm", c.llm()).put("saeLayers", c.saeLayers())
                    .put("control", c.control()).put("seed", c.seed()).put("status", status);
        }
        m.putArray("sources");
        return m;
    }

    private static ObjectNode metrics(Cell c) {
        ObjectNode m = Json.MAPPER.createObjectNode();
        m.set("cell", Json.MAPPER.valueToTree(c));
        ObjectNode v = m.putObject("metrics");
        v.put("train.ce_final", 0.5 + c.seed() / 1000.0);
        v.put("match_rate.rate.l0", 0.25);
        v.put("match_rate.rate.l1", 0.125);
        v.put("localization.auroc.mean", 0.75);
        v.put("steering.removal.success", 0.5);
        return m;
    }

    /** Match-rate records for images 1..3 (plus {@code extra} more images), layers 0 and 1, two latents each. */
    private static List<JsonNode> matchRate(int extra) {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (int image = 1; image <= 3 + extra; image++) {
            for (int layer = 0; layer <= 1; layer++) {
                ObjectNode r = Json.MAPPER.createObjectNode();
                r.put("image_id", image);
                r.put("layer", layer);
                r.put("tokens", "image");
                r.put("rate", 0.5);
                r.put("shuffled", 0.25);
                ArrayNode lat = r.putArray("latents");
                for (int k = 0; k < 2; k++) {
                    int latent = 10 * (layer + 1) + k;
                    ObjectNode l = lat.addObject();
                    l.put("latent", latent);
                    l.put("label", label(layer, latent));
                    l.put("activation", 0.5f - 0.125f * k);
                    ArrayNode matched = l.putArray("matched");
                    if (k == 0) {
                        matched.add(layer == 0 ? "object:dog" : "scene:snow");
                    }
                    l.putArray("matched_shuffled");
                }
                out.add(r);
            }
        }
        return out;
    }

    /** Per-patch records of images 1 and 2, layers 0 and 1: three latents with maps, and a dog mask. */
    private static List<JsonNode> patches() {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (int image = 1; image <= 2; image++) {
            for (int layer = 0; layer <= 1; layer++) {
                ObjectNode r = Json.MAPPER.createObjectNode();
                r.put("image_id", image);
                r.put("layer", layer);
                r.put("grid", GRID);
                ArrayNode lat = r.putArray("latents");
                for (int k = 0; k < 3; k++) {
                    int latent = 100 * (layer + 1) + k;
                    ObjectNode l = lat.addObject();
                    l.put("latent", latent);
                    l.put("label", label(layer, latent));
                    l.put("activation", 0.75f - 0.25f * k);
                    ArrayNode matched = l.putArray("matched");
                    if (k == 0) {
                        matched.add(layer == 0 ? "object:dog" : "scene:snow");
                    }
                    ArrayNode map = l.putArray("map");
                    for (int p = 0; p < GRID * GRID; p++) {
                        // layer 0 fires on the dog's patches (top-left), layer 1 on the rest
                        boolean dog = p % GRID < 2 && p / GRID < 2;
                        map.add(dog == (layer == 0) ? (0.75f - 0.25f * k) * (1 + p % 3) / 3 : 0f);
                    }
                }
                r.putObject("masks").put("dog", "1100110000000000");
                out.add(r);
            }
        }
        return out;
    }

    private static List<JsonNode> steering() {
        List<JsonNode> out = new java.util.ArrayList<>();
        String[][] rows = {{"removal", "ablate", "a dog on snow .", "snow .", "true"},
            {"replacement", "swap", "a dog on snow .", "a dog on snow .", "false"}};
        for (String[] s : rows) {
            ObjectNode r = Json.MAPPER.createObjectNode();
            r.put("image_id", 1);
            r.put("task", s[0]);
            r.put("object", "dog");
            r.putNull("from");
            r.put("to", s[0].equals("replacement") ? "cat" : null);
            r.put("question", "What is shown in this image?");
            r.put("intervention", s[1]);
            r.putArray("patches").add(1).add(2).add(5).add(6);
            r.put("grid", GRID);
            r.put("cls", 1);
            r.putObject("latents");
            r.put("unsteered", s[2]);
            r.put("steered", s[3]);
            r.put("success", Boolean.parseBoolean(s[4]));
            r.put("why", s[4].equals("true") ? "dog no longer named" : "dog still named, cat not named");
            out.add(r);
        }
        return out;
    }

    private static ObjectNode golden() {
        ObjectNode g = Json.MAPPER.createObjectNode();
        g.putObject("golden").put("file", "golden/fixture.yaml").put("sha256", "00").put("name", SPEC);
        g.put("allow_missing", false);
        g.put("exit_code", 1);
        ArrayNode claims = g.putArray("claims");
        for (int i = 0; i < CLAIMS.size(); i++) {
            ObjectNode c = claims.addObject();
            String id = CLAIMS.get(i);
            String outcome = OUTCOMES.get(i);
            c.put("id", id);
            c.put("source", "paper: the statement behind " + id);
            c.put("kind", i % 2 == 0 ? "absolute" : "relative");
            c.put("quantity", i < 2 ? "train.ce_final" : "match_rate.rate.l0");
            c.put("outcome", outcome);
            c.put("explanation", id + ": " + outcome + " because of the fixture");
            if (outcome.equals("KNOWN_FAIL") || outcome.equals("UNEXPECTED_PASS")) {
                c.put("known_failure", "the tiny LM cannot read a prefix");
            } else {
                c.putNull("known_failure");
            }
            ArrayNode missing = c.putArray("missing");
            ArrayNode results = c.putArray("results");
            if (outcome.equals("NOT_EVALUATED")) {
                missing.add("enc-b/lm/early/none: no cells");
                continue;
            }
            ObjectNode r = results.addObject();
            r.put("label", "enc-a/lm/early/none");
            r.put("value", 0.5);
            r.put("bound", "<= 0.9");
            r.put("holds", !outcome.equals("FAIL") && !outcome.equals("KNOWN_FAIL"));
            r.put("se", "NaN");
            r.put("detail", "mean 0.5 (enc-a/lm/early/none, n=2) <= 0.9");
            ObjectNode left = r.putObject("left");
            left.put("group", "enc-a/lm/early/none").put("mean", 0.5).put("std", 0.0).put("n", 2);
            left.putArray("seeds").add(17).add(18);
            left.putArray("cells").add(FULL.id()).add(MATCH_ONLY.id());
            left.putArray("values").add(0.5).add(0.5);
        }
        return g;
    }

    /** A 64×64 scene: a coloured background and a brown "dog" square in the top-left quarter. */
    private static byte[] png(int id) throws IOException {
        BufferedImage im = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = im.createGraphics();
        g.setColor(new Color(200 + 15 * id, 230, 255 - 40 * id));
        g.fillRect(0, 0, 64, 64);
        g.setColor(new Color(120, 70, 30));
        g.fillRect(4, 4, 26, 26);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(im, "png", out);
        return out.toByteArray();
    }

    private static void writeJson(Path f, JsonNode n) throws IOException {
        Files.createDirectories(f.getParent());
        Files.write(f, Json.MAPPER.writeValueAsBytes(n));
    }

    private static void writeLines(Path f, List<JsonNode> rows) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (JsonNode r : rows) {
            sb.append(Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r))
                    .append('\n');
        }
        Files.writeString(f, sb.toString());
    }
}
