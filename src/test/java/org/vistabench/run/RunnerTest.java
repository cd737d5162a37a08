package org.vistabench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.cell.CellContext;
import org.vistabench.core.VistaException;
import org.vistabench.eval.MetricProvider;
import org.vistabench.run.testing.TestSpecs;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Spec;

class RunnerTest {
    @TempDir
    Path tmp;

    @Test
    void unknownProviderIsRefusedNamingTheKeyAndTheKnownProviders() {
        Map<String, Map<String, Object>> metrics = new LinkedHashMap<>();
        metrics.put("fake", Map.of());
        metrics.put("captoin", Map.of());
        Spec spec = TestSpecs.withMetrics(tmp, "t", metrics);
        VistaException e = assertThrows(VistaException.class, () -> Runner.forSpec(spec));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("metrics.captoin") && e.getMessage().contains("echo, fake"),
                e.getMessage());
    }

    @Test
    void serviceLoaderFindsProvidersByName() {
        Spec spec = RunFixtures.fast(tmp);
        assertEquals(List.of("fake"), Runner.forSpec(spec).stageNames());
    }

    @Test
    void providersRunInSpecOrderAndHandOverArtefacts() {
        Map<String, Map<String, Object>> metrics = new LinkedHashMap<>();
        metrics.put("fake", Map.of());
        metrics.put("echo", Map.of());
        Spec spec = TestSpecs.withMetrics(tmp, "t", metrics);
        Path out = tmp.resolve("out");
        assertEquals(12, RunFixtures.runAll(spec, out).ok());
        for (CellResult r : ResultsStore.readDoneCells(out)) {
            assertEquals(2 * r.metrics().get("fake.score"), r.metrics().get("echo.twice"), r.cell().id());
        }

        Map<String, Map<String, Object>> reversed = new LinkedHashMap<>();
        reversed.put("echo", Map.of());
        reversed.put("fake", Map.of());
        Spec wrongOrder = TestSpecs.withMetrics(tmp.resolve("r"), "t", reversed);
        RunSummary s = RunFixtures.runAll(wrongOrder, tmp.resolve("out2"));
        assertEquals(12, s.failed(), "echo must run first and fail when the order is reversed");
    }

    @Test
    void failedCellIsIsolatedWithErrorFileAndOthersGoOn() throws Exception {
        Spec spec = TestSpecs.minimal(tmp, "t", TestSpecs.fakeParams(0, "enc-a__lm__early__none__s18", null));
        Path out = tmp.resolve("out");
        RunSummary s = RunFixtures.runAll(spec, out);
        assertEquals(new RunSummary(11, 1, 0, List.of("enc-a__lm__early__none__s18")), s);
        Path bad = out.resolve("cells/enc-a__lm__early__none__s18");
        assertTrue(Files.exists(bad.resolve("failed")));
        assertFalse(Files.exists(bad.resolve("done")));
        String error = Files.readString(bad.resolve("error.txt"));
        assertTrue(error.startsWith("fake: IllegalStateException: fake failure on enc-a__lm__early__none__s18\n"),
                error);
        assertTrue(error.contains("at org.vistabench.run.testing.FakeProvider.compute"), "no stack trace: " + error);
        assertEquals(11, ResultsStore.readDoneCells(out).size());
        assertFalse(RunFixtures.read(out.resolve("tables/metrics.csv")).contains("enc-a__lm__early__none__s18,"));
        assertEquals("failed", ResultsStore.readManifest(out).orElseThrow().cells()
                .get("enc-a__lm__early__none__s18").status());
    }

    @Test
    void undeclaredNanFailsTheCellButADeclaredOneIsStored() throws Exception {
        Map<String, Object> params = TestSpecs.fakeParams(0, null, "enc-b__*__s19");
        params.put("undefined_on", "enc-a__lm__none__none__s17");
        Spec spec = TestSpecs.minimal(tmp, "t", params);
        Path out = tmp.resolve("out");
        RunSummary s = RunFixtures.runAll(spec, out);
        assertEquals(List.of("enc-b__lm__early__none__s19", "enc-b__lm__none__none__s19"), s.failedCells());
        String error = Files.readString(out.resolve("cells/enc-b__lm__early__none__s19/error.txt"));
        assertTrue(error.startsWith("fake: metric fake.score is NaN"), error);
        CellResult ok = ResultsStore.readCell(out.resolve("cells/enc-a__lm__none__none__s17"));
        assertTrue(Double.isNaN(ok.metrics().get("fake.maybe")));
        assertTrue(RunFixtures.read(out.resolve("tables/metrics.csv"))
                .contains("enc-a__lm__none__none__s17,enc-a,lm,none,none,17,fake.maybe,NaN\n"));
    }

    @Test
    void metricNamedWithoutItsProviderPrefixFailsTheCell() {
        Spec spec = RunFixtures.fast(tmp);
        MetricProvider sloppy = fake(ctx -> Map.of("score", 1.0));
        Path out = tmp.resolve("out");
        try (ResultsStore store = ResultsStore.open(out, spec, false, "run")) {
            RunSummary s = new Runner(spec, List.of(sloppy)).run(TestSpecs.cells(spec).subList(0, 1), store,
                    RunFixtures.QUIET);
            assertEquals(1, s.failed());
        }
        assertTrue(RunFixtures.read(out.resolve("cells/enc-a__lm__early__none__s17/error.txt"))
                .contains("expected a name 'fake.<metric>'"));
    }

    @Test
    void sharedObjectsAreMadeOncePerRunAndClosedAtTheEnd() {
        Spec spec = RunFixtures.fast(tmp);
        AtomicInteger made = new AtomicInteger();
        List<String> closed = new ArrayList<>();
        MetricProvider p = new MetricProvider() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public Map<String, Double> compute(CellContext ctx) {
                AutoCloseable model = ctx.shared("model", () -> {
                    made.incrementAndGet();
                    return () -> closed.add("model");
                });
                ctx.artefacts().put("projector", (AutoCloseable) () -> closed.add("projector " + ctx.cell().seed()));
                return Map.of("fake.x", (double) System.identityHashCode(model) * 0);
            }
        };
        List<Cell> cells = TestSpecs.cells(spec).subList(0, 3);
        try (ResultsStore store = ResultsStore.open(tmp.resolve("out"), spec, false, "run")) {
            new Runner(spec, List.of(p)).run(cells, store, RunFixtures.QUIET);
        }
        assertEquals(1, made.get());
        assertEquals(List.of("projector 17", "projector 18", "projector 19", "model"), closed);
    }

    /**
     * Issue #20 point 7: stage times go to run.json per cell, and time spent making a shared object (the world build,
     * model loads) is counted as {@code setup}, once, not inside the stage of the first cell that asked for it.
     */
    @Test
    void stageTimesExcludeSharedSetupAndGoToRunJson() throws Exception {
        Spec spec = RunFixtures.fast(tmp);
        MetricProvider slowShared = fake(ctx -> {
            String world = ctx.shared("world", () -> {
                try {
                    Thread.sleep(400);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return "built";
            });
            return Map.of("fake.score", (double) world.length());
        });
        Path out = tmp.resolve("out");
        List<Cell> cells = TestSpecs.cells(spec).subList(0, 2);
        Runner runner = new Runner(spec, List.of(slowShared));
        try (ResultsStore store = ResultsStore.open(out, spec, false, "test")) {
            assertEquals(2, runner.run(cells, store, RunFixtures.QUIET).ok());
        }
        RunManifest m = ResultsStore.readManifest(out).orElseThrow();
        Map<String, Double> first = m.cells().get(cells.get(0).id()).seconds();
        Map<String, Double> second = m.cells().get(cells.get(1).id()).seconds();
        assertEquals(List.of("fake", "setup"), new ArrayList<>(first.keySet()));
        assertTrue(first.get("setup") >= 0.4, first.toString());
        assertEquals(0.0, second.get("setup"), second.toString()); // made once, by the first cell
        assertTrue(first.get("fake") >= 0 && second.get("fake") >= 0);
        assertTrue(runner.timeBreakdown().startsWith("time: setup "), runner.timeBreakdown());
    }

    @Test
    void aProvidersPartsGoToRunJsonAndTheTimeLineInsideTheirStage() throws Exception {
        Spec spec = RunFixtures.fast(tmp);
        MetricProvider parts = fake(ctx -> {
            ctx.partSeconds("fake.forward", 1.25);
            ctx.partSeconds("fake.forward", 0.5);
            ctx.partSeconds("fake.backward", 2.0);
            ctx.partSeconds("nodot", 9.0); // not <stage>.<part>: ignored
            return Map.of("fake.score", 1.0);
        });
        Path out = tmp.resolve("parts");
        List<Cell> cells = TestSpecs.cells(spec).subList(0, 2);
        Runner runner = new Runner(spec, List.of(parts));
        try (ResultsStore store = ResultsStore.open(out, spec, false, "test")) {
            assertEquals(2, runner.run(cells, store, RunFixtures.QUIET).ok());
        }
        Map<String, Double> first = ResultsStore.readManifest(out).orElseThrow().cells().get(cells.get(0).id())
                .seconds();
        assertEquals(1.75, first.get("fake.forward"));
        assertEquals(2.0, first.get("fake.backward"));
        assertTrue(!first.containsKey("nodot"), first.toString());
        String line = runner.timeBreakdown();
        assertTrue(line.matches("time: setup [0-9.]+ s · fake [0-9.]+ s \\(forward 3\\.5, backward 4\\.0\\) "
                + "\\(total [0-9.]+ s\\)"), line);
        double total = Double.parseDouble(line.replaceAll(".*\\(total ([0-9.]+) s\\)", "$1"));
        assertTrue(total < 3.5, "parts are inside their stage, not added to the total: " + line);
    }

    /** A provider named {@code fake} computing {@code f}. */
    private static MetricProvider fake(java.util.function.Function<CellContext, Map<String, Double>> f) {
        return new MetricProvider() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public Map<String, Double> compute(CellContext ctx) {
                return f.apply(ctx);
            }
        };
    }
}
