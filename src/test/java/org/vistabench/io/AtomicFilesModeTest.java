package org.vistabench.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes give files and folders the modes any new file gets here (the umask's), not 0600 / 0700. */
class AtomicFilesModeTest {
    @TempDir
    Path tmp;

    @Test
    void filesAndFoldersGetTheUmasksModes() throws Exception {
        Path plain = Files.write(tmp.resolve("plain.txt"), new byte[] {1});
        Path plainDir = Files.createDirectory(tmp.resolve("plain.d"));
        AtomicFiles.write(tmp.resolve("a.json"), new byte[] {1, 2});
        assertArrayEquals(new byte[] {1, 2}, Files.readAllBytes(tmp.resolve("a.json")));
        assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(plain)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("a.json"))));
        Path built = AtomicFiles.tempDirectoryBeside(tmp.resolve("folder"));
        assertEquals(PosixFilePermissions.toString(Files.getPosixFilePermissions(plainDir)),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(built)));
        AtomicFiles.replaceDirectory(built, tmp.resolve("folder"));
        try (var s = Files.list(tmp)) {
            assertEquals(4, s.count(), "no temp file or folder left behind"); // plain.txt, plain.d, a.json, folder
        }
    }
}
