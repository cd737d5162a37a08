package org.vistabench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.VistaException;
import org.vistabench.io.Json;

class RunLockTest {
    @TempDir
    Path tmp;

    private void writeLock(long pid, String host) throws Exception {
        Files.createDirectories(tmp);
        Files.write(tmp.resolve(RunLock.FILE),
                Json.MAPPER.writeValueAsBytes(new RunLock.Holder(pid, host, "2025-01-01T00:00:00Z")));
    }

    @Test
    void anOutThatIsAFileIsAUsageErrorNotACrash() throws Exception {
        Path file = Files.writeString(tmp.resolve("results.txt"), "x");
        VistaException e = assertThrows(VistaException.class, () -> RunLock.acquire(file));
        assertEquals(2, e.exitCode());
        assertTrue(e.getMessage().contains("is a file, not a folder"), e.getMessage());
    }

    @Test
    void anIoFailureIsSaidInWords() {
        assertEquals("permission denied", RunLock.reason(new java.nio.file.AccessDeniedException("/x")));
        assertEquals("Read-only file system",
                RunLock.reason(new java.nio.file.FileSystemException("/x", null, "Read-only file system")));
    }

    @Test
    void secondRunOnTheSameFolderIsRefusedNamingPidHostAndStart() {
        try (RunLock first = RunLock.acquire(tmp)) {
            VistaException e = assertThrows(VistaException.class, () -> RunLock.acquire(tmp));
            assertEquals(2, e.exitCode());
            long pid = ProcessHandle.current().pid();
            assertTrue(e.getMessage().startsWith(tmp + " is in use by pid " + pid + " on host "
                    + first.holder().host() + " since " + first.holder().started()), e.getMessage());
        }
        assertFalse(Files.exists(tmp.resolve(RunLock.FILE)));
    }

    @Test
    void secondRunOfAStoreIsRefusedWhileTheFirstHoldsIt() {
        var spec = RunFixtures.fast(tmp);
        Path out = tmp.resolve("out");
        try (ResultsStore store = ResultsStore.open(out, spec, false, "run")) {
            VistaException e = assertThrows(VistaException.class, () -> ResultsStore.open(out, spec, true, "run"));
            assertTrue(e.getMessage().contains("in use by pid " + ProcessHandle.current().pid()), e.getMessage());
        }
    }

    @Test
    void lockOfADeadProcessIsTakenOver() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        writeLock(p.pid(), RunLock.hostName());
        try (RunLock lock = RunLock.acquire(tmp)) {
            assertEquals(ProcessHandle.current().pid(), RunLock.readHolder(tmp).orElseThrow().pid());
        }
    }

    @Test
    void lockOfALiveNonJavaProcessIsTakenOverAsPidReuse() throws Exception {
        Process p = new ProcessBuilder("sleep", "30").start();
        try {
            writeLock(p.pid(), RunLock.hostName());
            try (RunLock lock = RunLock.acquire(tmp)) {
                assertEquals(ProcessHandle.current().pid(), lock.holder().pid());
            }
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void lockOfAnotherHostIsRespected() throws Exception {
        writeLock(1, "some-other-host");
        VistaException e = assertThrows(VistaException.class, () -> RunLock.acquire(tmp));
        assertTrue(e.getMessage().contains("in use by pid 1 on host some-other-host since 2025-01-01T00:00:00Z"),
                e.getMessage());
        assertTrue(Files.exists(tmp.resolve(RunLock.FILE)), "someone else's lock was removed");
    }

    @Test
    void freshUnreadableLockIsRespectedButAnOldOneIsTakenOver() throws Exception {
        Files.createDirectories(tmp);
        Path f = tmp.resolve(RunLock.FILE);
        Files.writeString(f, "");
        assertThrows(VistaException.class, () -> RunLock.acquire(tmp));
        Files.setLastModifiedTime(f, java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(60)));
        try (RunLock lock = RunLock.acquire(tmp)) {
            assertTrue(RunLock.readHolder(tmp).isPresent());
        }
    }

    @Test
    void closeLeavesAnotherProcesssLockAlone() throws Exception {
        RunLock lock = RunLock.acquire(tmp);
        writeLock(1, "some-other-host"); // as if someone forcibly took it over
        lock.close();
        assertEquals("some-other-host", RunLock.readHolder(tmp).orElseThrow().host());
    }
}
