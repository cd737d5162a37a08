package org.vistabench.report.allure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.report.ReportPart;
import org.vistabench.report.dashboard.ResultsFixture;
import org.vistabench.run.ReportInputs;

class AllureSiteTest {
    @TempDir
    Path tmp;

    @Test
    void noDistributionIsAUsageErrorNamingWhereItLooked() {
        Path jar = tmp.resolve("lib").resolve("vistabench.jar");
        VistaException e = assertThrows(VistaException.class,
                () -> AllureSite.executable(Map.of("ALLURE_HOME", tmp.resolve("nowhere").toString()), Optional.of(jar)));
        assertEquals(ExitCodes.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains(tmp.resolve("nowhere/bin/allure").toString()), e.getMessage());
        assertTrue(e.getMessage().contains(tmp.resolve("lib/allure-" + AllureSite.VERSION + "/bin/allure").toString()),
                e.getMessage());
    }

    @Test
    void allureHomeComesFirstThenTheJarsFolder() throws IOException {
        Path home = fakeAllure(tmp.resolve("home"));
        Path beside = fakeAllure(tmp.resolve("lib").resolve("allure-" + AllureSite.VERSION));
        Optional<Path> jar = Optional.of(tmp.resolve("lib").resolve("vistabench.jar"));
        assertEquals(home, AllureSite.executable(Map.of("ALLURE_HOME", tmp.resolve("home").toString()), jar));
        assertEquals(beside, AllureSite.executable(Map.of(), jar));
    }

    /** The real distribution that the build unpacked into target/ builds a one-file site of the fixture's results. */
    @Test
    void buildsASingleFileSiteOffline() throws IOException {
        var in = ReportInputs.read(ResultsFixture.write(tmp.resolve("results")));
        Path out = tmp.resolve("out");
        List<Path> written = new AllurePart().write(in, out, new ReportPart.Options(true));
        assertTrue(written.contains(Path.of(AllureSite.DIR, "index.html")));
        Path index = out.resolve(AllureSite.DIR).resolve("index.html");
        try (var files = Files.list(out.resolve(AllureSite.DIR))) {
            assertEquals(List.of(index), files.toList(), "single-file mode: index.html only");
        }
        String html = Files.readString(index);
        assertTrue(html.length() > 100_000, "the app and its data are inlined");
        assertTrue(!html.contains("src=\"http") && !html.contains("href=\"http"), "nothing is fetched from the network");
    }

    private static Path fakeAllure(Path home) throws IOException {
        Path bin = Files.createDirectories(home.resolve("bin")).resolve("allure");
        Files.writeString(bin, "#!/bin/sh\n");
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }
}
