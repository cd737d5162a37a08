package org.vistabench.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.tensor.SafeTensors;

/** kill -9 in the middle of training, resume, and get the uninterrupted run's projector bit for bit. */
class ResumeTest {
    private static final int STEPS = 24;
    private static final int EVERY = 4;

    @TempDir
    Path tmp;

    @Test
    void killedRunResumesToABitIdenticalProjector() throws Exception {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Files.createDirectories(a);
        Files.createDirectories(b);
        Process full = child(a, 0, false);
        Process victim = child(b, 150, false);
        assertEquals(0, full.waitFor(120, TimeUnit.SECONDS) ? full.exitValue() : -1, "uninterrupted child");
        // Kill once a middle checkpoint is on disk.
        Path ckpt = b.resolve(TrainCheckpoint.FILE);
        int seen = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && victim.isAlive()) {
            if (Files.isRegularFile(ckpt)) {
                seen = TrainCheckpoint.read(ckpt).stepsDone();
                if (seen >= 8) {
                    break;
                }
            }
            Thread.sleep(20);
        }
        assertTrue(victim.isAlive(), "the victim finished before it could be killed (saw checkpoint " + seen + ")");
        victim.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        assertTrue(seen >= 8 && seen < STEPS, "killed at checkpoint " + seen);
        assertFalse(Files.exists(b.resolve("final.safetensors")));

        Process resumed = child(b, 0, true);
        assertEquals(0, resumed.waitFor(120, TimeUnit.SECONDS) ? resumed.exitValue() : -1, "resumed child");

        try (SafeTensors x = SafeTensors.open(a.resolve("final.safetensors"));
             SafeTensors y = SafeTensors.open(b.resolve("final.safetensors"))) {
            assertEquals("0", x.metadata().get("resumed_from"));
            int from = Integer.parseInt(y.metadata().get("resumed_from"));
            assertTrue(from >= 8 && from < STEPS, "resumed from " + from);
            assertEquals(x.names(), y.names());
            for (String n : x.names()) {
                byte[] bx = new byte[x.bytes(n).remaining()];
                byte[] by = new byte[y.bytes(n).remaining()];
                x.bytes(n).get(bx);
                y.bytes(n).get(by);
                assertArrayEquals(bx, by, n + " differs after resume");
            }
        }
        List<TraceRow> ta = TraceCsv.read(a.resolve("trace.csv"));
        List<TraceRow> tb = TraceCsv.read(b.resolve("trace.csv"));
        assertEquals(STEPS, tb.size());
        for (int i = 0; i < STEPS; i++) {
            assertEquals(i, tb.get(i).step());
            assertEquals(ta.get(i).ce(), tb.get(i).ce(), "ce of step " + i);
            assertEquals(ta.get(i).sae(), tb.get(i).sae(), "sae of step " + i);
        }
    }

    private static Process child(Path dir, long sleepMs, boolean resume) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-Dai.djl.pytorch.num_threads=1");
        cmd.add("-Dai.djl.pytorch.num_interop_threads=1");
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ResumeChild.class.getName());
        cmd.add(dir.toString());
        cmd.add(Integer.toString(STEPS));
        cmd.add(Integer.toString(EVERY));
        cmd.add(Long.toString(sleepMs));
        cmd.add(Boolean.toString(resume));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child-" + (resume ? "resume" : sleepMs) + ".log").toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }
}
