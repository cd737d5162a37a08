package org.vistabench.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.cli.Main;
import org.vistabench.io.Json;
import org.vistabench.report.dashboard.ResultsFixture;

/**
 * {@code vistabench report} end to end on the hand-made results folder (a failed and a pending cell, a golden.json
 * from {@code check}): every part written, gaps marked, links that resolve, a terminal table people can read, and the
 * same bytes twice.
 */
class ReportEndToEndTest {
    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private Path results() throws IOException {
        Path r = ReportFixture.full().write(tmp.resolve("results"));
        ReportFixture.check(r, tmp.resolve("golden.yaml"));
        return r;
    }

    private int report(String... args) {
        List<String> all = new ArrayList<>(List.of("report"));
        all.addAll(List.of(args));
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
    }

    private static List<Path> tree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(root::relativize).sorted().toList();
        }
    }

    @Test
    void aFolderWithAFailedAndAPendingCellGetsEveryPartTwiceTheSame() throws IOException {
        Path r = results();
        long t0 = System.nanoTime();
        assertEquals(0, report(r.toString()), err.toString());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, report(r.toString(), "--out", tmp.resolve("again").toString()), err.toString());
        Path first = r.resolve("report");
        List<Path> files = tree(first);
        assertEquals(files, tree(tmp.resolve("again")));
        for (Path f : files) {
            assertArrayEquals(Files.readAllBytes(first.resolve(f)), Files.readAllBytes(tmp.resolve("again").resolve(f)),
                    f + " differs between two reports of the same folder");
        }
        for (Table t : PaperTables.build(ReportData.of(org.vistabench.run.ReportInputs.read(r)))) {
            assertTrue(files.contains(Path.of("tables", t.name() + ".csv")), t.name());
            assertTrue(files.contains(Path.of("tables", t.name() + ".md")), t.name());
        }
        assertEquals(28, files.stream().filter(f -> f.startsWith(Figures.DIR) && f.toString().endsWith(".png"))
                .count(), files.toString());
        assertTrue(ms < 60_000, "report took " + ms + " ms");
    }

    @Test
    void summaryShowsTheClaimsTheGapsAndLinksThatResolve() throws IOException {
        Path r = results();
        assertEquals(0, report(r.toString()), err.toString());
        String md = Files.readString(r.resolve("report/summary.md"));
        JsonNode golden = Json.MAPPER.readTree(r.resolve("golden.json").toFile());
        JsonNode claim = golden.path("claims").get(0);
        assertEquals("FAIL", claim.path("outcome").asText());
        JsonNode failing = null;
        for (JsonNode x : claim.path("results")) {
            failing = x.path("holds").asBoolean() ? failing : x;
        }
        String row = md.lines().filter(l -> l.startsWith("| `sae-loss-raises-match-rate` |")).findFirst()
                .orElseThrow(() -> new AssertionError(md));
        assertTrue(row.contains("| abstract: a ~3x higher matching rate with the SAE loss |"), row);
        assertTrue(row.contains("| >= 0.5 | ratio " + Fmt.sig(failing.path("value").asDouble()) + " ("
                + failing.path("label").asText() + ") | se " + Fmt.sig(failing.path("se").asDouble())
                + " | **FAIL** |"), row);
        assertTrue(row.contains("[match_rate](tables/match_rate.csv)"), row);
        assertTrue(md.contains("- `" + ReportFixture.FAILED.id() + "`: failed: boom: out of memory"), md);
        assertTrue(md.contains("- `" + ReportFixture.PENDING.id() + "`: pending"), md);
        assertTrue(md.contains("| cells | 12 cells: 10 done, 1 failed, 0 incomplete, 1 pending |"), md);
        assertTrue(md.contains("git `abc1234def` (clean)"), md);
        Matcher m = Pattern.compile("\\]\\(([^)]+)\\)").matcher(md);
        int links = 0;
        while (m.find()) {
            links++;
            assertTrue(Files.isRegularFile(r.resolve("report").resolve(m.group(1))), "broken link " + m.group(1));
        }
        assertTrue(links > 20, "links: " + links);
    }

    @Test
    void theTerminalGetsTheClaimsAndKeyNumbersWithinAHundredColumns() throws IOException {
        Path r = results();
        assertEquals(0, report(r.toString()), err.toString());
        String text = out.toString();
        for (String line : text.split("\n")) {
            assertTrue(line.length() <= ConsoleSummary.WIDTH, "too wide (" + line.length() + "): " + line);
        }
        assertTrue(text.contains("report of fixture: 12 cells: 10 done, 1 failed, 0 incomplete, 1 pending"), text);
        assertTrue(text.matches("(?s).*sae-loss-raises-match-rate +FAIL +ratio .*"), text);
        assertTrue(text.matches("(?s).*enc-b/early/none +1/2 .*"), text);
        assertTrue(text.contains("not finished:\n  enc-b__lm__none__none__s2: pending\n"), text);
        assertTrue(text.contains("summary: 1 file -> " + r.resolve("report").resolve("summary.md")), text);
    }

    @Test
    void aRunWithNoFinishedCellStillGetsEveryTableAndTheFiguresIndex() throws IOException {
        Path r = ReportFixture.full().write(tmp.resolve("none-done"));
        org.vistabench.io.AtomicFiles.deleteTree(r.resolve("cells"));
        org.vistabench.io.AtomicFiles.deleteTree(r.resolve("tables"));
        Path o = tmp.resolve("o");
        assertEquals(0, report(r.toString(), "--out", o.toString()), err.toString());
        List<String> tradeoff = Files.readAllLines(o.resolve("tables/tradeoff.csv"));
        assertEquals(1 + 6, tradeoff.size(), "every group is a row, with its gaps");
        assertTrue(tradeoff.get(1).contains(",s1 pending; s2 pending,"), tradeoff.get(1));
        assertEquals(1, Files.readAllLines(o.resolve("tables/match_rate.csv")).size());
        assertTrue(Files.readString(o.resolve("figures/README.md")).contains("## Not drawn"));
        assertTrue(Files.readString(o.resolve("summary.md")).contains("12 cells: 0 done, 0 failed, 0 incomplete, "
                + "12 pending"));
    }

    @Test
    void theDashboardFixtureWithEveryOutcomeAndAnIncompleteCellIsReportedToo() throws IOException {
        Path r = ResultsFixture.write(tmp.resolve("rf"));
        Path o = tmp.resolve("o");
        assertEquals(0, report(r.toString(), "--out", o.toString()), err.toString());
        String md = Files.readString(o.resolve("summary.md"));
        for (int i = 0; i < ResultsFixture.CLAIMS.size(); i++) {
            String id = ResultsFixture.CLAIMS.get(i);
            String row = md.lines().filter(l -> l.startsWith("| `" + id + "` |")).findFirst()
                    .orElseThrow(() -> new AssertionError(id + " not in " + md));
            assertTrue(row.contains("| **" + ResultsFixture.OUTCOMES.get(i) + "** |"), row);
        }
        assertTrue(md.contains("`" + ResultsFixture.INCOMPLETE.id() + "`: incomplete"), md);
        assertTrue(md.contains(": 1 PASS, 1 FAIL, 1 NOT_EVALUATED, 1 KNOWN_FAIL, 1 UNEXPECTED_PASS."), md);
        for (String line : out.toString().split("\n")) {
            assertTrue(line.length() <= ConsoleSummary.WIDTH, "too wide (" + line.length() + "): " + line);
        }
        assertTrue(Files.readString(o.resolve("tables/cells.csv")).contains(ResultsFixture.ERROR));
        assertTrue(Files.readString(o.resolve("tables/match_rate.csv")).contains(",s17 failed,"));
    }

    @Test
    void withoutGoldenJsonTheSummarySaysTheClaimsWereNotChecked() throws IOException {
        Path r = ReportFixture.full().write(tmp.resolve("bare"));
        assertEquals(0, report(r.toString(), "--out", tmp.resolve("o").toString()), err.toString());
        assertTrue(Files.readString(tmp.resolve("o/summary.md")).contains("the claims were not checked"));
        assertTrue(out.toString().contains("no golden.json: claims not checked"), out.toString());
    }
}
