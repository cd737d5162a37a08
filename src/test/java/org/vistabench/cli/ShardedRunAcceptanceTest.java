package org.vistabench.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.ExitCodes;
import org.vistabench.spec.Shards;

/**
 * Issue #19's acceptance: the cells of a three-cell spec on the tiny world, run as three shards in three JVMs at once
 * (with {@code --set} and {@code --limit} to keep it short), merge into a {@code tables/metrics.csv} byte-identical to
 * the single-process run; merging two of the three shards names the cells of the third and exits 1.
 */
class ShardedRunAcceptanceTest {
    private static final List<String> OVERRIDES = List.of("--set", "train.steps=3", "--set", "train.warmup=1",
            "--set", "train.checkpoint_every=100", "--limit", "4");

    @TempDir
    Path tmp;

    /** Three cells: layer sets none and early, and early under the random-sae control (as specs/mini-tiny.yaml). */
    private Path spec() throws IOException {
        Path c = TinyWorld.cache();
        String yaml = "name: shards3\nseed: 17\n"
                + "world: {kind: mini, scale: tiny, cache: " + c + "}\n"
                + "encoders:\n  - {id: mini-dino, path: world:encoders/mini-dino, layer: -1, tokens: patch}\n"
                + "llms:\n  - id: mini-lm\n    path: world:lm\n"
                + "    saes: {path: world:saes, format: gemma-scope, layers: all}\n"
                + "sae_layer_sets:\n  none: []\n  early: [0, 1]\n"
                + "controls: [random-sae]\n"
                + "train: {steps: 40, batch: 4, lr: 2.0e-3, warmup: 4, lambda_sae: 0.1, projector: mlp2x_gelu,"
                + " precision: fp32, device: cpu, checkpoint_every: 20, grad_clip: 1.0, weight_decay: 0.0,"
                + " eval_images: 32}\n"
                + "metrics:\n  train: {feature_cache: " + c.resolve("features") + "}\n  recon: {}\n";
        return Files.writeString(tmp.resolve("shards3.yaml"), yaml);
    }

    @Test
    void threeShardsInThreeJvmsMergeIntoTheSingleProcessRun() throws Exception {
        Path spec = spec();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // the cells and their shards, as 'plan' gives them
        assertEquals(0, Main.execute(new PrintWriter(out), new PrintWriter(err), "plan", spec.toString(), "--shards",
                "3", "--format", "csv"), err.toString());
        List<String> cells = out.toString().lines().skip(1).map(l -> l.substring(0, l.indexOf(','))).toList();
        assertEquals(3, cells.size(), out.toString());

        List<String> single = new ArrayList<>(List.of("run", spec.toString(), "--out", tmp.resolve("full").toString(),
                "--no-progress"));
        single.addAll(OVERRIDES);
        out = new StringWriter();
        assertEquals(0, Main.execute(new PrintWriter(out), new PrintWriter(err), single.toArray(String[]::new)),
                out + " " + err);

        long t0 = System.nanoTime();
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            children.add(start(spec, tmp.resolve("s" + i), i));
        }
        for (int i = 0; i < 3; i++) {
            Path log = tmp.resolve("s" + i + ".log");
            assertEquals(0, exit(children.get(i), log), Files.readString(log));
        }
        System.out.printf("ShardedRunAcceptanceTest: three shard JVMs in %.0f s%n", (System.nanoTime() - t0) / 1e9);

        out = new StringWriter();
        assertEquals(0, Main.execute(new PrintWriter(out), new PrintWriter(err), "merge",
                tmp.resolve("s0").toString(), tmp.resolve("s1").toString(), tmp.resolve("s2").toString(),
                "--out", tmp.resolve("merged").toString()), out + " " + err);
        assertTrue(out.toString().contains("merge: 3 cells copied"), out.toString());
        byte[] expected = Files.readAllBytes(tmp.resolve("full/tables/metrics.csv"));
        assertTrue(new String(expected).lines().count() > 3, new String(expected));
        assertArrayEquals(expected, Files.readAllBytes(tmp.resolve("merged/tables/metrics.csv")),
                "the merged shards differ from the single-process run");
        String manifest = Files.readString(tmp.resolve("merged/run.json"));
        assertTrue(manifest.contains("\"train.steps=3\"") && manifest.contains("\"--limit 4\""), manifest);

        // two of three: the third's cells are named, exit 1
        int left = 0;
        while (left < 3 && shardOf(cells, left).isEmpty()) {
            left++;
        }
        List<String> inputs = new ArrayList<>(List.of("merge"));
        for (int i = 0; i < 3; i++) {
            if (i != left) {
                inputs.add(tmp.resolve("s" + i).toString());
            }
        }
        inputs.addAll(List.of("--out", tmp.resolve("partial").toString()));
        out = new StringWriter();
        assertEquals(ExitCodes.CLAIM_FAILED, Main.execute(new PrintWriter(out), new PrintWriter(err),
                inputs.toArray(String[]::new)), out + " " + err);
        for (String id : cells) {
            assertEquals(shardOf(cells, left).contains(id), out.toString().contains("missing: " + id),
                    id + " in " + out);
        }
        assertTrue(out.toString().contains(shardOf(cells, left).size() + " of 3 cells of the spec are not done"),
                out.toString());
    }

    private static List<String> shardOf(List<String> cells, int shard) {
        return cells.stream().filter(id -> Shards.of(id, 3) == shard).toList();
    }

    /** {@code vistabench run SPEC --shard i/3 --out OUT} with the overrides, in a child JVM. */
    private Process start(Path spec, Path out, int shard) throws IOException {
        Path cwd = tmp.resolve("cwd-" + shard);
        Files.createDirectories(cwd);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx768m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-XX:ErrorFile=" + cwd.resolve("hs_err_pid%p.log"), "-cp", System.getProperty("java.class.path"),
                "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                Main.class.getName(), "run", spec.toString(), "--out", out.toString(), "--no-progress",
                "--shard", shard + "/3"));
        cmd.addAll(OVERRIDES);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("s" + shard + ".log").toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    private static int exit(Process child, Path log) throws Exception {
        if (!child.waitFor(150, TimeUnit.SECONDS)) {
            child.destroyForcibly().waitFor();
            fail("child did not exit within 150 s: " + Files.readString(log));
        }
        return child.exitValue();
    }

    @Test
    void aBadOverrideOnRunIsAUsageErrorNamingItAndWritesNothing() throws Exception {
        Path spec = spec();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(out), new PrintWriter(err), "run", spec.toString(), "--out",
                tmp.resolve("r").toString(), "--set", "train.steps=abc"), out.toString());
        assertTrue(err.toString().contains("error: --set train.steps=abc: train.steps: expected a positive integer"),
                err.toString());
        assertFalse(Files.exists(tmp.resolve("r")), "a refused run wrote its folder");
        err = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(out), new PrintWriter(err), "validate", spec.toString(),
                "--set", "train.stpes=5"), out.toString());
        assertTrue(err.toString().contains("error: --set train.stpes=5: train.stpes: "), err.toString());
        err = new StringWriter();
        assertEquals(2, Main.execute(new PrintWriter(out), new PrintWriter(err), "plan", spec.toString(),
                "--set", "encoders[1].layer=0"), out.toString());
        assertTrue(err.toString().contains("error: --set encoders[1].layer=0: encoders[1].layer: encoders: has 1 "
                + "items, no item [1]"), err.toString());
        out = new StringWriter();
        assertEquals(0, Main.execute(new PrintWriter(out), new PrintWriter(err), "validate", spec.toString(),
                "--set", "train.steps=5"), err.toString());
    }
}
