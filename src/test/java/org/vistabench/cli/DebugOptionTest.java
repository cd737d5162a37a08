package org.vistabench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --debug} prints the stack trace wherever it stands: {@code vistabench --debug run} or {@code run --debug}. */
class DebugOptionTest {
    @TempDir
    Path tmp;

    private String stderrOf(String... args) {
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), args);
        assertEquals(2, code, err.toString());
        return err.toString();
    }

    @Test
    void debugAfterTheSubcommandPrintsTheStackTraceAsBeforeIt() {
        String missing = tmp.resolve("missing.yaml").toString();
        String plain = stderrOf("run", missing);
        String before = stderrOf("--debug", "run", missing);
        String after = stderrOf("run", "--debug", missing);
        assertFalse(plain.contains("\tat org.vistabench."), plain);
        assertTrue(before.contains("\tat org.vistabench."), before);
        assertTrue(after.contains("\tat org.vistabench."), after);
        assertEquals(before.lines().limit(3).toList(), after.lines().limit(3).toList());
        assertTrue(stderrOf("world", "build", "--debug", "--threads", "0").contains("\tat org.vistabench."));
    }
}
