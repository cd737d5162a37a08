package org.vistabench.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The bench scripts work on this checkout (issue #21: "bench/*.sh exercised by a quick mode in CI"): every script
 * parses ({@code bash -n}, and shellcheck when installed), and {@code train_step.sh} and {@code rss.sh} run in quick
 * mode ({@code BENCH_QUICK=1}: a couple of steps, a small file; {@code BENCH_NO_BUILD=1}: the classes this build
 * made). Nothing is timed or compared here: the ratios are what the scripts print when run by hand.
 */
class BenchScriptsTest {
    private static final Path BENCH = Path.of("bench");

    private record Result(int exit, String output) {
    }

    private static Result exec(List<String> cmd, boolean quick) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (quick) {
            pb.environment().put("BENCH_QUICK", "1");
            pb.environment().put("BENCH_NO_BUILD", "1");
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), String.join(" ", cmd) + " timed out");
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static List<Path> scripts() throws IOException {
        try (Stream<Path> s = Files.list(BENCH)) {
            return s.filter(p -> p.toString().endsWith(".sh")).sorted().toList();
        }
    }

    @Test
    void everyScriptParses() throws Exception {
        List<Path> all = scripts();
        assertTrue(all.size() >= 4, all.toString());
        boolean shellcheck = exec(List.of("bash", "-c", "command -v shellcheck"), false).exit() == 0;
        for (Path s : all) {
            Result r = exec(List.of("bash", "-n", s.toString()), false);
            assertEquals(0, r.exit(), s + ": " + r.output());
            if (shellcheck) {
                Result c = exec(List.of("shellcheck", "-S", "warning", s.toString()), false);
                assertEquals(0, c.exit(), s + ": " + c.output());
            }
        }
    }

    @Test
    void trainStepRunsInQuickMode() throws Exception {
        assumeTrue(Files.isRegularFile(Path.of("target/test-classpath.txt")), "no target/test-classpath.txt: build first");
        Result r = exec(new ArrayList<>(List.of("bash", BENCH.resolve("train_step.sh").toString(), "2", "1")), true);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().lines().anyMatch(l -> l.matches("vistabench steps/s [0-9.]+ ms/step [0-9.]+ tokens/s [0-9]+")),
                r.output());
        assertTrue(r.output().contains("ratio vistabench/pytorch") || r.output().contains("pytorch: skipped"),
                r.output());
    }

    @Test
    void rssRunsInQuickMode() throws Exception {
        assumeTrue(Files.isRegularFile(Path.of("target/test-classpath.txt")), "no target/test-classpath.txt: build first");
        Result r = exec(List.of("bash", BENCH.resolve("rss.sh").toString()), true);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("peak RSS"), r.output());
        assertTrue(r.output().contains("deleted "), "the big file is written, loaded and deleted: " + r.output());
    }
}
