package org.vistabench.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vistabench.core.ExitCodes;

class BadSpecTest {
    @TempDir
    static Path tmp;

    static List<BadSpecs.BadSpec> badSpecs() {
        return BadSpecs.all(tmp);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void refusesMalformedSpecWithLocationAndKeyPath(BadSpecs.BadSpec bad) {
        // Every guard must answer fast, alias bombs and 10 MB files included.
        SpecException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> assertThrows(SpecException.class, () -> SpecLoader.load(bad.file(), Map.of())));
        String message = e.getMessage();
        assertTrue(message.contains(bad.file().toString()), "names the file: " + message);
        assertTrue(message.contains(bad.location()), "expected '" + bad.location() + "' in: " + message);
        assertFalse(message.contains("Exception"), message);
        assertFalse(message.contains("\tat "), message);
        assertEquals(ExitCodes.USAGE, e.exitCode());
        assertTrue(e.errors().stream().anyMatch(err -> err.line() == bad.line() && err.column() == bad.column()
                && err.keyPath().startsWith(bad.keyPath())), "an error at the expected place: " + e.errors());
        for (SpecError err : e.errors()) {
            assertFalse(err.message().isBlank(), "every error says what is wrong");
            assertFalse(err.toString().contains("\n"), "one line per error: " + err);
        }
    }

    @Test
    void keepsAtLeastThirtyFiveCheckedInBadSpecs() {
        assertTrue(BadSpecs.files().size() >= 35, "bad specs: " + BadSpecs.files().size());
    }

    @Test
    void refusesTooLargeFileBeforeReadingIt() {
        BadSpecs.BadSpec big = BadSpecs.generated(tmp).stream().filter(b -> b.name().equals("too-large.yaml"))
                .findFirst().orElseThrow();
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.load(big.file(), Map.of()));
        assertTrue(e.getMessage().contains("1 MiB"), e.getMessage());
    }
}
