package org.vistabench.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.vistabench.spec.WorldSpec;
import org.vistabench.world.World;
import org.vistabench.world.WorldBuilder;

/**
 * The tiny mini world, built once per test JVM into a temporary folder (about 10 s on two cores; deleted at exit), and
 * one-cell specs that train on it, for tests that run the real CLI end to end.
 */
final class TinyWorld {
    private static Path cache;

    private TinyWorld() {
    }

    /** The world cache folder (the world is built on first use); it also holds the specs' feature cache. */
    static synchronized Path cache() {
        if (cache == null) {
            try {
                Path dir = Files.createTempDirectory("vistabench-tiny-world");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
                World.ensure(new WorldSpec("mini", "tiny", null, dir), dir, new WorldBuilder.Options(1, false, false));
                cache = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cache;
    }

    /**
     * Writes {@code dir/<name>.yaml}: one cell (mini-dino, layer set [0, 1]) whose only stage is {@code train}.
     *
     * @param checkpointEvery steps between periodic checkpoints
     */
    static Path spec(Path dir, String name, int steps, int batch, int checkpointEvery) {
        Path c = cache();
        String yaml = "name: " + name + "\nseed: 17\n"
                + "world: {kind: mini, scale: tiny, cache: " + c + "}\n"
                + "encoders:\n  - {id: mini-dino, path: world:encoders/mini-dino, layer: -1, tokens: patch}\n"
                + "llms:\n  - id: mini-lm\n    path: world:lm\n"
                + "    saes: {path: world:saes, format: gemma-scope, layers: all}\n"
                + "sae_layer_sets:\n  early: [0, 1]\n"
                + "train: {steps: " + steps + ", batch: " + batch + ", lr: 2.0e-3, warmup: " + Math.min(4, steps - 1)
                + ", lambda_sae: 0.1,"
                + " projector: mlp2x_gelu, precision: fp32, device: cpu, checkpoint_every: " + checkpointEvery
                + ", grad_clip: 1.0, weight_decay: 0.0, eval_images: 8}\n"
                + "metrics:\n  train: {feature_cache: " + c.resolve("features") + "}\n";
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(name + ".yaml"), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder: best effort
        }
    }
}
