package org.vistabench.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.run.testing.KillLauncher;
import org.vistabench.run.testing.TestSpecs;
import org.vistabench.spec.Spec;

/** A run killed with SIGKILL mid-cell leaves no half-written cell, and --resume finishes it to the same bytes. */
class KillResumeTest {
    private static final long SLEEP_MS = 100;

    @TempDir
    Path tmp;

    @Test
    void killedRunLeavesNoHalfWrittenCellAndResumeMatchesAnUninterruptedRun() throws Exception {
        Path specDir = tmp.resolve("spec");
        Path out = tmp.resolve("killed");
        Process child = startChild(specDir, out);
        try {
            awaitDone(child, out, 3);
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally blocks in the child
            child.waitFor();
        }
        int doneAtKill = countDone(out);
        assertTrue(doneAtKill < 12, "the child finished before it was killed; nothing was tested");
        assertTrue(Files.exists(out.resolve(RunLock.FILE)), "a killed run cannot release its lock");

        // Nothing half-written: every metrics.json parses, and no cell is done without one.
        try (Stream<Path> cells = Files.list(out.resolve("cells"))) {
            for (Path cd : cells.toList()) {
                if (Files.exists(cd.resolve("metrics.json")) || Files.exists(cd.resolve("done"))) {
                    CellResult r = ResultsStore.readCell(cd); // throws on a missing or truncated file
                    assertEquals(cd.getFileName().toString(), r.cell().id());
                }
            }
        }

        // Resume in this JVM (same spec bytes, so the same sha256): the dead child's lock is taken over.
        Spec spec = TestSpecs.minimal(specDir, "kill", TestSpecs.fakeParams(SLEEP_MS, null, null));
        RunSummary s = RunFixtures.run(spec, TestSpecs.cells(spec), out, true);
        assertEquals(new RunSummary(12 - doneAtKill, 0, doneAtKill, List.of()), s);

        Spec reference = TestSpecs.minimal(tmp.resolve("ref"), "kill", TestSpecs.fakeParams(0, null, null));
        RunFixtures.runAll(reference, tmp.resolve("uninterrupted"));
        assertArrayEquals(RunFixtures.csv(tmp.resolve("uninterrupted")), RunFixtures.csv(out));
        RunManifest m = ResultsStore.readManifest(out).orElseThrow();
        assertEquals("running", m.sessions().get(0).status(), "the killed session never recorded an end");
        assertEquals("finished", m.sessions().get(1).status());
    }

    @Test
    void sigtermReleasesTheLockThroughTheShutdownHook() throws Exception {
        Path out = tmp.resolve("termed");
        Process child = startChild(tmp.resolve("spec"), out);
        try {
            awaitDone(child, out, 1);
            assertTrue(Files.exists(out.resolve(RunLock.FILE)));
        } finally {
            child.destroy(); // SIGTERM
            child.waitFor();
        }
        assertTrue(Files.notExists(out.resolve(RunLock.FILE)), "SIGTERM left the lock behind");
    }

    private Process startChild(Path specDir, Path out) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", KillLauncher.class.getName(),
                specDir.toString(), out.toString(), Long.toString(SLEEP_MS))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("child-" + out.getFileName() + ".log").toFile())
                .start();
    }

    private void awaitDone(Process child, Path out, int cells) throws Exception {
        Path log = tmp.resolve("child-" + out.getFileName() + ".log");
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (countDone(out) < cells) {
            if (!child.isAlive()) {
                fail("child exited early with " + child.exitValue() + ": " + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                fail("not " + cells + " cells done within 60 s: " + Files.readString(log));
            }
            Thread.sleep(10);
        }
    }

    private static int countDone(Path out) throws IOException {
        Path cells = out.resolve("cells");
        if (!Files.isDirectory(cells)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(cells)) {
            return (int) s.filter(p -> Files.exists(p.resolve("done"))).count();
        }
    }
}
