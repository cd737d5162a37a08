package org.vistabench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #20 point 16: under {@code LANG=C} a non-ASCII path is a usage error that names the cause and the fix, not a
 * raw {@code InvalidPathException}.
 */
class LocalePathTest {
    @Test
    void nonAsciiPathUnderTheCLocaleSaysWhyAndWhatToDo(@TempDir Path tmp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.vistabench.cli.Main", "validate", tmp.resolve("é/s.yaml").toString());
        pb.environment().put("LANG", "C");
        pb.environment().put("LC_ALL", "C");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("cannot be used as a path here") && out.contains("LC_ALL=C.UTF-8"), out);
        assertFalse(out.contains("InvalidPathException"), out);
        assertTrue(List.of(out.split("\n")).size() <= 3, out);
    }
}
