package org.vistabench.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.cli.Main;
import org.vistabench.results.MetricsCsv;
import org.vistabench.results.MetricsTable;

/** {@code vistabench check} end to end on a temp results folder. */
class CheckCommandTest {
    @TempDir
    Path tmp;

    private Path results;
    private Path golden;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws IOException {
        results = tmp.resolve("results/run1");
        golden = tmp.resolve("golden.yaml");
        Files.writeString(golden, """
                claims:
                  - id: recall-floor
                    source: "test"
                    metric: caption.recall
                    for: {encoder: mini-dino, sae_layers: none}
                    expect: {at_least: 0.8}
                  - id: recon-gain
                    source: "test"
                    metric: train.image_recon_mse
                    expect: {ratio_of: {sae_layers: early}, to: {sae_layers: none}, at_most: 0.5}
                """);
    }

    private void table(double recall, boolean withRecon) {
        Fixtures.Table t = Fixtures.table();
        for (long seed : new long[] {1, 2}) {
            t.add("mini-dino", "none", "none", seed, "caption.recall", recall);
            if (withRecon) {
                t.add("mini-dino", "none", "none", seed, "train.image_recon_mse", 0.4);
                t.add("mini-dino", "early", "none", seed, "train.image_recon_mse", 0.1);
            }
        }
        MetricsTable table = t.build();
        MetricsCsv.write(results.resolve("tables/metrics.csv"), table);
    }

    private int check(String... extra) {
        String[] args = new String[3 + extra.length];
        args[0] = "check";
        args[1] = results.toString();
        args[2] = "--golden=" + golden;
        System.arraycopy(extra, 0, args, 3, extra.length);
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void exitsZeroWhenEveryClaimHoldsAndWritesBothReports() throws IOException {
        table(0.9, true);
        assertEquals(0, check(), err.toString());
        assertTrue(out.toString().contains("recall-floor"), out.toString());
        assertTrue(out.toString().contains("2 claims: 2 PASS"), out.toString());
        assertTrue(out.toString().contains("wrote " + results.resolve("golden.json")), out.toString());
        String json = Files.readString(results.resolve("golden.json"));
        assertTrue(json.contains("\"exit_code\" : 0"), json);
        assertTrue(Files.readString(results.resolve("golden.csv")).startsWith("claim,outcome,kind,"));
    }

    @Test
    void reportsAreByteIdenticalAcrossReruns() throws IOException {
        table(0.9, true);
        check();
        byte[] json = Files.readAllBytes(results.resolve("golden.json"));
        byte[] csv = Files.readAllBytes(results.resolve("golden.csv"));
        check();
        assertEquals(new String(json), Files.readString(results.resolve("golden.json")));
        assertEquals(new String(csv), Files.readString(results.resolve("golden.csv")));
    }

    @Test
    void exitsOneWhenAClaimFails() {
        table(0.5, true);
        assertEquals(1, check());
        assertTrue(out.toString().contains("FAIL"), out.toString());
        assertTrue(out.toString().contains("mean 0.5 (mini-dino/mini-lm/none/none, n=2) < 0.8"), out.toString());
    }

    @Test
    void missingMetricsExitOneUnlessAllowed() {
        table(0.9, false);
        assertEquals(1, check());
        assertTrue(out.toString().contains("NOT_EVALUATED"), out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, check("--allow-missing"));
    }

    @Test
    void missingMetricsTableExitsTwoNamingIt() {
        assertEquals(2, check());
        assertTrue(err.toString().contains("metrics.csv: metrics table not found")
                || err.toString().contains("results folder not found"), err.toString());
        assertFalse(Files.exists(results.resolve("golden.json")));
    }

    @Test
    void missingTableInsideAnExistingFolderExitsTwoNamingTheTable() throws IOException {
        Files.createDirectories(results);
        assertEquals(2, check());
        assertTrue(err.toString().contains(results.resolve("tables/metrics.csv") + ": metrics table not found"),
                err.toString());
    }

    @Test
    void malformedGoldenFileExitsTwoWithOneLinePerError() throws IOException {
        table(0.9, true);
        Files.writeString(golden, """
                claims:
                  - {id: a, source: s, metric: m.x, expect: {at_least: "x"}}
                  - {id: a, source: s, metric: m.x, expect: {at_lest: 1}}
                """);
        assertEquals(2, check());
        String[] lines = err.toString().strip().split("\n");
        assertEquals(3, lines.length, err.toString());
        assertTrue(lines[0].startsWith("error: " + golden + ":2:"), lines[0]);
        assertTrue(err.toString().contains("did you mean 'at_least'?"));
        assertFalse(Files.exists(results.resolve("golden.json")));
    }

    @Test
    void withoutGoldenOrRunJsonItSaysToPassGolden() {
        table(0.9, true);
        assertEquals(2, Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "check", results.toString()));
        assertTrue(err.toString().contains("no run.json to find the golden file in; pass --golden FILE"), err.toString());
    }

    @Test
    void withoutGoldenItUsesTheOneTheRunsSpecNames() throws IOException {
        table(0.9, true);
        Path spec = Files.writeString(tmp.resolve("spec.yaml"), """
                name: t
                seed: 1
                world: {kind: mini, scale: tiny}
                encoders: [{id: mini-dino, path: world:encoders/mini-dino}]
                llms: [{id: mini-lm, path: world:lm, saes: {path: world:saes, format: gemma-scope, layers: all}}]
                sae_layer_sets: {none: [], early: [0]}
                train: {steps: 1, batch: 1, lr: 1.0e-3}
                metrics: {train: {}, caption: {}}
                golden: golden.yaml
                """);
        Files.writeString(results.resolve("run.json"), "{\"format\": 1, \"seed\": 1, \"spec\": {\"name\": \"t\","
                + " \"file\": \"" + spec.toString().replace("\\", "\\\\") + "\", \"sha256\": \"x\", \"text\": \"\"}}");
        assertEquals(0, Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "check", results.toString()),
                err.toString());
        assertTrue(out.toString().contains("recall-floor"), out.toString());
    }

    @Test
    void helpShowsExamplesAndExitCodes() {
        assertEquals(0, Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "check", "--help"));
        assertTrue(out.toString().contains("vistabench check results/mini --golden golden/mini.yaml"), out.toString());
        assertTrue(out.toString().contains("--allow-missing"));
        assertTrue(out.toString().contains("Exit codes"));
    }
}
