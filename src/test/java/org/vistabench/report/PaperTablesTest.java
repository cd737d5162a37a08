package org.vistabench.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.spec.Cell;

/** The paper tables on the hand-made {@link ReportFixture}: contents, gaps, absent metrics, byte stability. */
class PaperTablesTest {
    @TempDir
    Path tmp;

    private static final ReportPart.Options OPTS = new ReportPart.Options(false);

    private Path report(ReportFixture f, String name) throws IOException {
        ReportInput in = f.input(tmp.resolve("results-" + name));
        Path out = tmp.resolve("out-" + name);
        new PaperTables().write(in, out, OPTS);
        return out.resolve(PaperTables.DIR);
    }

    static List<CSVRecord> csv(Path file) throws IOException {
        return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new StringReader(Files.readString(file))).getRecords();
    }

    static List<String> header(Path file) throws IOException {
        return List.of(Files.readAllLines(file).get(0).split(",", -1));
    }

    private static CSVRecord row(List<CSVRecord> rows, Map<String, String> keys) {
        List<CSVRecord> hit = rows.stream().filter(r -> keys.entrySet().stream()
                .allMatch(e -> r.get(e.getKey()).equals(e.getValue()))).toList();
        assertEquals(1, hit.size(), "rows matching " + keys);
        return hit.get(0);
    }

    /** The expected seed statistics of a metric over the done seeds of a group. */
    private static SeedStats expected(String encoder, String layers, String control, String metric) {
        List<Double> v = new ArrayList<>();
        for (long s : ReportFixture.SEEDS) {
            Cell c = Cell.of(encoder, "lm", layers, control, s);
            if (ReportFixture.done(c)) {
                v.add(ReportFixture.value(c, metric));
            }
        }
        return SeedStats.of(v);
    }

    private static void assertStats(SeedStats want, CSVRecord r, String q) {
        assertEquals(want.fields(), List.of(r.get(q + "_mean"), r.get(q + "_sd"), r.get(q + "_n")), q);
    }

    @Test
    void matchRateIsOneRowPerGroupAndLayerWithSeedMeanSdAndN() throws IOException {
        Path dir = report(ReportFixture.full(), "a");
        List<CSVRecord> rows = csv(dir.resolve("match_rate.csv"));
        // 2 encoders x 3 groups x (l0, l1, mean)
        assertEquals(18, rows.size());
        CSVRecord r = row(rows, Map.of("encoder", "enc-a", "sae_layers", "early", "control", "none", "layer", "l1"));
        assertEquals("1 2", r.get("seeds"));
        assertEquals("", r.get("gaps"));
        for (String q : List.of("rate", "shuffled", "excess", "text_rate")) {
            SeedStats want = expected("enc-a", "early", "none", "match_rate." + q + ".l1");
            assertEquals(2, want.n());
            assertStats(want, r, q);
        }
        // by hand: two seeds give mean (a + b) / 2 and sample sd |a - b| / sqrt 2
        double a = ReportFixture.value(Cell.of("enc-a", "lm", "early", "none", 1), "match_rate.excess.l1");
        double b = ReportFixture.value(Cell.of("enc-a", "lm", "early", "none", 2), "match_rate.excess.l1");
        assertEquals(String.format(java.util.Locale.ROOT, "%.4f", (a + b) / 2), r.get("excess_mean"));
        assertEquals(String.format(java.util.Locale.ROOT, "%.4f", Math.abs(a - b) / Math.sqrt(2)), r.get("excess_sd"));
        // absent in the fixture: the column is there, empty, n = 0
        assertEquals(List.of("", "", "0"), List.of(r.get("generic_mean"), r.get("generic_sd"), r.get("generic_n")));
        assertTrue(r.get("rate_mean").matches("-?\\d+\\.\\d{4}"), r.get("rate_mean"));
    }

    @Test
    void rowsFollowTheSpecOrderNotTheAlphabet() throws IOException {
        List<CSVRecord> rows = csv(report(ReportFixture.full(), "a").resolve("tradeoff.csv"));
        List<String> groups = rows.stream().map(r -> r.get("encoder") + "/" + r.get("sae_layers") + "/"
                + r.get("control")).toList();
        assertEquals(List.of("enc-b/none/none", "enc-b/early/none", "enc-b/early/random-sae", "enc-a/none/none",
                "enc-a/early/none", "enc-a/early/random-sae"), groups);
    }

    @Test
    void failedAndPendingCellsAreGapsAndTheirGroupsKeepTheFinishedSeeds() throws IOException {
        Path dir = report(ReportFixture.full(), "a");
        CSVRecord failed = row(csv(dir.resolve("recon.csv")),
                Map.of("encoder", "enc-b", "sae_layers", "early", "control", "none", "layer", "l0"));
        assertEquals("s2 failed", failed.get("gaps"));
        assertEquals("1", failed.get("seeds"));
        assertStats(expected("enc-b", "early", "none", "recon.image_mse.l0"), failed, "image_mse");
        assertEquals("", failed.get("image_mse_sd"), "one seed gives no spread");
        CSVRecord pending = row(csv(dir.resolve("tradeoff.csv")),
                Map.of("encoder", "enc-b", "sae_layers", "none", "control", "none"));
        assertEquals("s2 pending", pending.get("gaps"));
        String md = Files.readString(dir.resolve("recon.md"));
        assertTrue(md.contains("`enc-b/lm/early/none`: s2 failed"), md);
        List<CSVRecord> cells = csv(dir.resolve("cells.csv"));
        assertEquals(ReportFixture.cells().size(), cells.size());
        CSVRecord f = row(cells, Map.of("cell", ReportFixture.FAILED.id()));
        assertEquals("failed", f.get("status"));
        assertEquals("boom: out of memory", f.get("error"));
        assertEquals("", f.get("caption.recall"));
        assertEquals("pending", row(cells, Map.of("cell", ReportFixture.PENDING.id())).get("status"));
    }

    @Test
    void nanValuesDoNotCountAsSeeds() throws IOException {
        CSVRecord r = row(csv(report(ReportFixture.full(), "a").resolve("localization.csv")),
                Map.of("encoder", "enc-a", "sae_layers", "none", "control", "none", "layer", "l1"));
        assertEquals("1", r.get("pointing_n"), "seed 2 scored nothing at l1 (NaN)");
        assertStats(expected("enc-a", "none", "none", "localization.pointing.l1"), r, "pointing");
    }

    @Test
    void steeringGainsPairEachSeedWithTheNoSaeProjectorAndTheControls() throws IOException {
        List<CSVRecord> rows = csv(report(ReportFixture.full(), "a").resolve("steering_gains.csv"));
        CSVRecord r = row(rows, Map.of("encoder", "enc-a", "sae_layers", "early", "control", "random-sae",
                "task", "removal", "edit", "sae_edit"));
        List<Double> diffs = new ArrayList<>();
        List<Double> ctrl = new ArrayList<>();
        double num = 0;
        double den = 0;
        for (long s : ReportFixture.SEEDS) {
            Cell c = Cell.of("enc-a", "lm", "early", "random-sae", s);
            // the random-sae control has no no-SAE cell of its own: its partner is the plain none cell
            Cell none = Cell.of("enc-a", "lm", "none", "none", s);
            double a = ReportFixture.value(c, "steering.removal.sae_edit");
            double b = ReportFixture.value(none, "steering.removal.sae_edit");
            diffs.add(a - b);
            num += a;
            den += b;
            ctrl.add(a - ReportFixture.value(c, "steering.removal.random_patches"));
        }
        assertStats(SeedStats.of(diffs), r, "over_no_sae");
        assertEquals(Fmt.num(num / den), r.get("ratio_to_no_sae"));
        assertStats(SeedStats.of(ctrl), r, "over_random_patches");
        // enc-b seed 2 has no done no-SAE partner (pending): one pair
        CSVRecord b = row(rows, Map.of("encoder", "enc-b", "sae_layers", "early", "control", "random-sae",
                "task", "attribute", "edit", "additive"));
        assertEquals("1", b.get("over_no_sae_n"));
        assertEquals("2", b.get("success_n"));
        CSVRecord none = row(rows, Map.of("encoder", "enc-a", "sae_layers", "none", "control", "none",
                "task", "replacement", "edit", "sae_edit"));
        assertEquals("", none.get("over_no_sae_mean"));
        assertEquals(6 * 3 * 2, rows.size(), "6 groups x 3 tasks x 2 edits");
        List<CSVRecord> all = csv(report(ReportFixture.full(), "b").resolve("steering.csv"));
        assertEquals(6 * 3 * 6, all.size(), "6 groups x 3 tasks x 6 interventions");
        assertEquals(List.of("removal", "replacement", "attribute"),
                all.stream().map(x -> x.get("task")).distinct().toList());
    }

    @Test
    void anAbsentMetricFamilyStillGivesItsTableHeaderOnlyWithANote() throws IOException {
        ReportFixture noSteering = new ReportFixture(List.of("match_rate", "recon", "qa"), true);
        Path dir = report(noSteering, "n");
        for (String t : List.of("steering", "steering_gains", "localization", "localization_categories")) {
            List<String> lines = Files.readAllLines(dir.resolve(t + ".csv"));
            assertEquals(1, lines.size(), t + ": " + lines);
            assertTrue(Files.readString(dir.resolve(t + ".md")).contains("metric in this run"), t);
        }
        assertEquals(header(report(ReportFixture.full(), "f").resolve("steering_gains.csv")),
                header(dir.resolve("steering_gains.csv")), "the header does not depend on what was measured");
        assertFalse(Files.readString(dir.resolve("match_rate.md")).contains("metric in this run"));
        String index = Files.readString(dir.resolve("README.md"));
        assertTrue(index.contains("[`steering.csv`](steering.csv) (0 rows)"), index);
    }

    @Test
    void twoReportsOfTheSameResultsAreByteIdentical() throws IOException {
        ReportFixture f = ReportFixture.full();
        ReportInput in = f.input(tmp.resolve("results"));
        List<Path> first = new PaperTables().write(in, tmp.resolve("o1"), OPTS);
        List<Path> second = new PaperTables().write(in, tmp.resolve("o2"), OPTS);
        assertEquals(first, second);
        assertTrue(first.size() >= 19, first.toString());
        for (Path p : first) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("o1").resolve(p)),
                    Files.readAllBytes(tmp.resolve("o2").resolve(p)), p.toString());
        }
        // a rerun into the same folder replaces it: a stray file does not survive
        Files.writeString(tmp.resolve("o1/tables/stale.csv"), "x");
        new PaperTables().write(in, tmp.resolve("o1"), OPTS);
        try (Stream<Path> s = Files.list(tmp.resolve("o1/tables"))) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().equals("stale.csv")));
        }
    }
}
