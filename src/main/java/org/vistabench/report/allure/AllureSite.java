package org.vistabench.report.allure;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.io.AtomicFiles;

/**
 * Builds the static Allure site from {@code allure-results} with the Allure command line, offline: the distribution
 * ({@code allure-commandline} {@value #VERSION}, a Java program) is unpacked by the build into {@code target/}, next to
 * the jar; {@code $ALLURE_HOME} names another. The site is generated with {@code --single-file}: one self-contained
 * {@code index.html} (data and attachments inlined) that a browser opens from disk, with no server; and without
 * Allure's analytics (no network call while generating, no tag script in the page).
 */
public final class AllureSite {
    public static final String VERSION = "2.34.1";
    /** The folder under the report's out dir. */
    public static final String DIR = "allure-site";
    private static final long TIMEOUT_MINUTES = 10;

    private AllureSite() {
    }

    /**
     * Generates {@code site} (replaced atomically) from {@code results}.
     *
     * @throws VistaException exit 2 when no distribution is found (the message names where it looked)
     * @throws IOException    when allure fails (its output is in the message)
     */
    public static void build(Path results, Path site) throws IOException {
        Path allure = executable(System.getenv(), codeLocation());
        Path tmp = AtomicFiles.tempDirectoryBeside(site);
        Path log = tmp.resolveSibling(tmp.getFileName() + ".log");
        try {
            List<String> cmd = List.of(allure.toString(), "generate", "--clean", "--single-file", "-o",
                    tmp.toAbsolutePath().toString(), results.toAbsolutePath().toString());
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
            pb.environment().remove("JAVA_OPTS");
            // Allure otherwise posts to Google Analytics while generating (a 10 s timeout offline) and puts the
            // Google tag script in the page; both go with this variable (it must read "true").
            pb.environment().put("ALLURE_NO_ANALYTICS", "true");
            Process p = pb.start();
            try {
                if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IOException(allure + " generate did not finish in " + TIMEOUT_MINUTES + " minutes");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while " + allure + " generate ran", e);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0 || !Files.isRegularFile(tmp.resolve("index.html"))) {
                throw new IOException(allure + " generate exited " + p.exitValue() + " without "
                        + tmp.resolve("index.html") + ": " + output);
            }
            AtomicFiles.replaceDirectory(tmp, site);
        } finally {
            Files.deleteIfExists(log);
            AtomicFiles.deleteTree(tmp);
        }
    }

    /**
     * The {@code bin/allure} to run: {@code $ALLURE_HOME/bin/allure} when that variable is set, else
     * {@code allure-<version>/bin/allure} in the folder of the running jar (or of the classes folder: {@code target/}).
     */
    static Path executable(Map<String, String> env, Optional<Path> code) {
        List<Path> looked = new ArrayList<>();
        String home = env.get("ALLURE_HOME");
        if (home != null && !home.isBlank()) {
            looked.add(Path.of(home).resolve("bin").resolve("allure"));
        }
        code.map(Path::getParent).ifPresent(dir -> looked.add(
                dir.resolve("allure-" + VERSION).resolve("bin").resolve("allure")));
        for (Path p : looked) {
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        throw new VistaException(ExitCodes.USAGE, "report --html needs the Allure command line " + VERSION
                + " and found none at " + (looked.isEmpty() ? "(nowhere to look)" : looked)
                + ": build with mvn package (it unpacks target/allure-" + VERSION + "/ next to the jar) or set"
                + " ALLURE_HOME to an unpacked allure-commandline");
    }

    /** The jar this class was loaded from, or its classes folder. */
    private static Optional<Path> codeLocation() {
        try {
            var src = AllureSite.class.getProtectionDomain().getCodeSource();
            return src == null ? Optional.empty() : Optional.of(Path.of(src.getLocation().toURI()).toAbsolutePath());
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
