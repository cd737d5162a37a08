package org.vistabench.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.cli.Main;
import org.vistabench.core.ExitCodes;

class WorldCommandTest {
    @Test
    void buildPrintsTheWorldFolderAndExitsZero(@TempDir Path dir) {
        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true),
                "world", "build", "--scale", "tiny", "--seed", "3", "--out", dir.toString(), "--no-progress");
        assertEquals(ExitCodes.OK, code);
        Path root = Path.of(out.toString().trim());
        assertTrue(root.startsWith(dir) && Files.isRegularFile(root.resolve("manifest.json")), out.toString());
        assertTrue(Files.isRegularFile(root.resolve("contact-sheet.png")));
    }

    @Test
    void unknownScaleIsAUsageErrorNamingTheValue(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "world", "build", "--scale", "huge", "--out", dir.toString());
        assertEquals(ExitCodes.USAGE, code);
        assertTrue(err.toString().contains("huge") && err.toString().contains("tiny or default"), err.toString());
    }
}
