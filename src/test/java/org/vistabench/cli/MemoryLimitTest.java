package org.vistabench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.run.ResultsStore;
import org.vistabench.run.RunLock;

/**
 * A spec that validates must not OOM-kill the machine: {@code run} estimates each cell's peak memory before anything
 * is written and refuses (exit 2) a cell above {@code --max-memory} or the memory the machine has; {@code validate}
 * warns; a cell that still fails to allocate fails alone (exit 3) and the lock is released.
 */
class MemoryLimitTest {
    private static final String CELL = "mini-dino__mini-lm__early__none__s17";

    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int cli(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void aCellAboveMaxMemoryIsRefusedBeforeAnythingIsWritten() {
        Path spec = TinyWorld.spec(tmp, "small", 4, 8, 4);
        Path res = tmp.resolve("res");
        assertEquals(2, cli("run", spec.toString(), "--out", res.toString(), "--max-memory", "1m", "--no-progress"));
        String e = err.toString();
        assertTrue(e.contains("error: cell " + CELL + " needs about "), e);
        assertTrue(e.contains("runtime (JVM, libtorch) 256.0 MiB"), e);
        assertTrue(e.contains("more than the limit of 1.0 MiB (--max-memory)"), e);
        assertEquals(1, e.lines().count(), e);
        assertTrue(Files.notExists(res), "a refused run wrote " + res);
    }

    @Test
    void aBatchBeyondThisMachineIsRefusedByDefaultAndValidateWarnsOfIt() {
        Path spec = TinyWorld.spec(tmp, "huge", 4, 10_000_000, 4);
        assertEquals(0, cli("validate", spec.toString()));
        assertTrue(err.toString().contains("warning: cell " + CELL + " needs about "), err.toString());
        assertTrue(err.toString().contains("TiB at its peak (train step activations "), err.toString());
        assertTrue(err.toString().contains("'run' refuses it here"), err.toString());

        Path res = tmp.resolve("res");
        assertEquals(2, cli("run", spec.toString(), "--out", res.toString(), "--no-progress"));
        assertTrue(err.toString().contains("error: cell " + CELL + " needs about "), err.toString());
        assertTrue(err.toString().contains("train.batch 10000000), more than the limit of "), err.toString());
        assertTrue(Files.notExists(res), "a refused run wrote " + res);
    }

    @Test
    void aCellThatStillFailsToAllocateFailsAloneAndReleasesTheLock() throws Exception {
        // 2e7 × 85 token ids in one Java array: far beyond the heap, refused at once (nothing is really allocated).
        Path spec = TinyWorld.spec(tmp, "oom", 2, 20_000_000, 2);
        Path res = tmp.resolve("res");
        assertEquals(3, cli("run", spec.toString(), "--out", res.toString(), "--max-memory", "1p", "--no-progress"),
                err.toString());
        String error = Files.readString(res.resolve(ResultsStore.CELLS).resolve(CELL).resolve(ResultsStore.ERROR));
        assertTrue(error.contains("out of memory at train.batch 20000000 (OutOfMemoryError"), error);
        assertTrue(out.toString().contains("run: 0 ok, 1 failed"), out.toString());
        assertTrue(Files.notExists(res.resolve(RunLock.FILE)), "the lock was not released");
        assertEquals("finished", ResultsStore.readManifest(res).orElseThrow().sessions().get(0).status());
    }

    @Test
    void aMalformedSizeIsAUsageError() {
        assertEquals(2, cli("run", "spec.yaml", "--max-memory", "12q"));
        assertTrue(err.toString().contains("expected a size like 3g, 512m or 1.5GiB, got '12q'"), err.toString());
    }
}
