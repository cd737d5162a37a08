package org.vistabench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.run.GoldenGate;
import org.vistabench.run.testing.TestSpecs;
import org.vistabench.spec.Spec;
import picocli.CommandLine;

/** The run, merge and report commands end to end, on hand-made specs (the spec loader is swapped in). */
class RunCliTest {
    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final List<Path> goldenChecks = new ArrayList<>();

    /** Runs {@code run} with {@code spec} standing in for whatever SPEC names; exit handling as in {@link Main}. */
    private int run(Spec spec, int goldenExit, String... args) {
        RunCommand cmd = new RunCommand();
        cmd.loader = p -> spec;
        cmd.expander = TestSpecs::cells;
        cmd.shardOf = (id, n) -> Math.floorMod(id.hashCode(), n);
        cmd.progressBar = false;
        cmd.golden = (dir, file, allowMissing) -> {
            goldenChecks.add(dir);
            return new GoldenGate.Outcome(goldenExit, "claims: " + (allowMissing ? "allow-missing" : "strict")
                    + "\n");
        };
        CommandLine cl = new CommandLine(cmd);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("error: " + ex.getMessage());
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("error: " + ex.getMessage());
            return ex instanceof VistaException ve ? ve.exitCode() : ExitCodes.INTERNAL;
        });
        return cl.execute(args);
    }

    private Spec spec(Map<String, Object> fakeParams, Path golden) {
        Spec s = TestSpecs.minimal(tmp, "t", fakeParams);
        return new Spec(s.file(), s.sha256(), s.name(), s.seed(), s.seeds(), null, null, s.encoders(), s.llms(),
                s.saeLayerSets(), s.controls(), s.train(), s.metrics(), golden, s.matrix(), s.positions(), null);
    }

    @Test
    void runWritesResultsChecksClaimsAndRefusesARerunWithoutResume() throws Exception {
        Path res = tmp.resolve("res");
        Spec spec = spec(TestSpecs.fakeParams(0, null, null), tmp.resolve("g.yaml"));
        assertEquals(0, run(spec, 0, "spec.yaml", "--out", res.toString()), err.toString());
        assertTrue(out.toString().contains("run: 12 ok, 0 failed, 0 skipped -> " + res), out.toString());
        assertTrue(out.toString().contains("claims: strict"), out.toString());
        assertEquals(List.of(res), goldenChecks);
        assertEquals(12 * 4 + 1, Files.readAllLines(res.resolve("tables/metrics.csv")).size());

        assertEquals(2, run(spec, 0, "spec.yaml", "--out", res.toString()));
        assertTrue(err.toString().contains("--resume"), err.toString());

        assertEquals(0, run(spec, 0, "spec.yaml", "--out", res.toString(), "--resume", "--allow-missing"));
        assertTrue(out.toString().contains("run: 0 ok, 0 failed, 12 skipped"), out.toString());
        assertTrue(out.toString().contains("claims: allow-missing"), out.toString());
    }

    @Test
    void exitCodeIsThreeForAFailedCellElseTheGoldenGates() {
        Spec failing = spec(TestSpecs.fakeParams(0, "*__s18", null), tmp.resolve("g.yaml"));
        assertEquals(3, run(failing, 1, "s.yaml", "--out", tmp.resolve("a").toString()));
        assertTrue(out.toString().contains("failed: enc-a__lm__early__none__s18 (see "), out.toString());
        Spec fine = spec(TestSpecs.fakeParams(0, null, null), tmp.resolve("g.yaml"));
        assertEquals(1, run(fine, 1, "s.yaml", "--out", tmp.resolve("b").toString()));
        Spec noGolden = spec(TestSpecs.fakeParams(0, null, null), null);
        assertEquals(0, run(noGolden, 1, "s.yaml", "--out", tmp.resolve("c").toString()));
    }

    @Test
    void realGoldenGateWritesClaimOutcomesAndFailsTheRunOnAFailedClaim() throws Exception {
        Path g = tmp.resolve("g.yaml");
        Files.writeString(g, "name: t\nclaims:\n"
                + "  - {id: thirds, source: test, metric: fake.seed_third, expect: {at_least: 5}}\n"
                + "  - {id: layers, source: test, metric: fake.layers, expect: {at_most: 1}}\n");
        Spec spec = spec(TestSpecs.fakeParams(0, null, null), g);
        RunCommand cmd = new RunCommand();
        cmd.loader = p -> spec;
        cmd.expander = TestSpecs::cells;
        cmd.progressBar = false;
        CommandLine cl = new CommandLine(cmd);
        cl.setOut(new PrintWriter(out, true));
        Path res = tmp.resolve("res");
        assertEquals(1, cl.execute("s.yaml", "--out", res.toString()));
        assertTrue(out.toString().contains("thirds") && out.toString().contains("PASS")
                && out.toString().contains("FAIL"), out.toString());
        assertTrue(Files.exists(res.resolve("golden.json")) && Files.exists(res.resolve("golden.csv")));
    }

    @Test
    void shardAndCellsFilterTheCellsAndShardsSkipTheGoldenCheck() throws Exception {
        Spec spec = spec(TestSpecs.fakeParams(0, null, null), tmp.resolve("g.yaml"));
        Path s1 = tmp.resolve("s1");
        assertEquals(0, run(spec, 1, "s.yaml", "--out", s1.toString(), "--shard", "1/3"));
        List<String> expected = TestSpecs.cells(spec).stream().map(c -> c.id())
                .filter(id -> Math.floorMod(id.hashCode(), 3) == 1).sorted().toList();
        try (var cells = Files.list(s1.resolve("cells"))) {
            assertEquals(expected, cells.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertTrue(goldenChecks.isEmpty(), "a shard's golden check would judge partial results");

        Path e = tmp.resolve("e");
        assertEquals(0, run(spec, 0, "s.yaml", "--out", e.toString(), "--cells", "enc-b__*__s17"));
        try (var cells = Files.list(e.resolve("cells"))) {
            assertEquals(List.of("enc-b__lm__early__none__s17", "enc-b__lm__none__none__s17"),
                    cells.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void usageErrorsExitTwoAndWriteNothing() {
        Spec spec = spec(TestSpecs.fakeParams(0, null, null), null);
        Path res = tmp.resolve("res");
        for (String bad : List.of("3/2", "x/y")) {
            assertEquals(2, run(spec, 0, "s.yaml", "--out", res.toString(), "--shard", bad));
            assertTrue(err.toString().contains(bad), err.toString());
        }
        assertEquals(2, run(spec, 0, "s.yaml", "--out", res.toString(), "--cells", "nothing*"));
        Map<String, Map<String, Object>> metrics = new LinkedHashMap<>();
        metrics.put("nosuch", Map.of());
        assertEquals(2, run(TestSpecs.withMetrics(tmp.resolve("u"), "t", metrics), 0, "s.yaml", "--out",
                res.toString()));
        assertTrue(err.toString().contains("metrics.nosuch: no metric provider named 'nosuch'"), err.toString());
        assertFalse(Files.exists(res), "a usage error wrote the results folder");
    }

    @Test
    void mergeAndReportThroughMain() throws Exception {
        Spec spec = spec(TestSpecs.fakeParams(0, null, null), null);
        for (int i = 0; i < 2; i++) {
            assertEquals(0, run(spec, 0, "s.yaml", "--out", tmp.resolve("s" + i).toString(), "--shard", i + "/2"));
        }
        assertEquals(0, run(spec, 0, "s.yaml", "--out", tmp.resolve("full").toString()));
        StringWriter mo = new StringWriter();
        StringWriter me = new StringWriter();
        Path merged = tmp.resolve("merged");
        assertEquals(0, Main.execute(new PrintWriter(mo), new PrintWriter(me), "merge", tmp.resolve("s0").toString(),
                tmp.resolve("s1").toString(), "--out", merged.toString()), me.toString());
        assertTrue(mo.toString().contains("merge: 12 cells copied"), mo.toString());
        assertEquals(Files.readString(tmp.resolve("full/tables/metrics.csv")),
                Files.readString(merged.resolve("tables/metrics.csv")));

        StringWriter ro = new StringWriter();
        assertEquals(0, Main.execute(new PrintWriter(ro), new PrintWriter(me), "report", merged.toString()));
        List<String> cells = Files.readAllLines(merged.resolve("report/tables/cells.csv"));
        assertEquals("cell,encoder,llm,sae_layers,control,seed,status,error,fake.layers,fake.maybe,fake.score,"
                + "fake.seed_third", cells.get(0));
        assertEquals(13, cells.size());
        assertTrue(Files.isRegularFile(merged.resolve("report/summary.md")));
        assertFalse(Files.exists(merged.resolve("tables/summary.csv")), "the report stays in its folder");
        assertTrue(ro.toString().contains("12 cells: 12 done, 0 failed"), ro.toString());

        StringWriter xe = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(xe), "report",
                tmp.toString()));
        assertTrue(xe.toString().contains("no run.json"), xe.toString());
    }

    @Test
    void helpOfEachCommandShowsExamples() {
        for (String c : List.of("run", "merge", "report")) {
            StringWriter o = new StringWriter();
            assertEquals(0, Main.execute(new PrintWriter(o), new PrintWriter(new StringWriter()), c, "--help"));
            assertTrue(o.toString().contains("Examples:") && o.toString().contains("vistabench " + c), o.toString());
        }
        StringWriter e = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(e), "run", "s.yaml",
                "--shard", "3/2"));
        assertTrue(e.toString().contains("--shard 3/2"), e.toString());
    }

    /**
     * Issues #20 point 3 and #19: merging 2 of 3 shards names the cells no input holds and exits 1 (0 with
     * --allow-missing, or its old name --allow-partial).
     */
    @Test
    void mergeOfTwoOfThreeShardsNamesTheMissingCells() throws Exception {
        Spec spec = spec(TestSpecs.fakeParams(0, null, null), null);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, run(spec, 0, "s.yaml", "--out", tmp.resolve("s" + i).toString(), "--shard", i + "/3"));
        }
        List<String> third = Files.list(tmp.resolve("s2/cells")).map(p -> p.getFileName().toString()).sorted()
                .toList();
        assertFalse(third.isEmpty());
        StringWriter mo = new StringWriter();
        StringWriter me = new StringWriter();
        assertEquals(ExitCodes.CLAIM_FAILED, Main.execute(new PrintWriter(mo), new PrintWriter(me), "merge",
                tmp.resolve("s0").toString(), tmp.resolve("s1").toString(), "--out", tmp.resolve("m").toString()),
                me.toString());
        assertTrue(mo.toString().contains(third.size() + " of 12 cells of the spec are not done"), mo.toString());
        for (String id : third) {
            assertTrue(mo.toString().contains("missing: " + id), mo.toString());
        }
        assertEquals(0, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(me), "merge",
                tmp.resolve("s0").toString(), tmp.resolve("s1").toString(), "--out", tmp.resolve("m2").toString(),
                "--allow-missing"), me.toString());
        assertEquals(0, Main.execute(new PrintWriter(new StringWriter()), new PrintWriter(me), "merge",
                tmp.resolve("s0").toString(), tmp.resolve("s1").toString(), "--out", tmp.resolve("m3").toString(),
                "--allow-partial"), me.toString());
        // the third shard completes it
        StringWriter all = new StringWriter();
        assertEquals(0, Main.execute(new PrintWriter(all), new PrintWriter(me), "merge", tmp.resolve("s2").toString(),
                "--out", tmp.resolve("m").toString()), all + " " + me);
        assertFalse(all.toString().contains("missing"), all.toString());
    }
}
