package org.vistabench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.spec.Spec;
import org.vistabench.spec.SpecLoaderTest;
import picocli.CommandLine;

/**
 * {@code run --judge KIND}: the override {@code judge.kind=KIND}, validated like the spec before anything runs (and so
 * part of the results folder's identity in run.json, like every {@code --set}).
 */
class RunJudgeOptionTest {
    @TempDir
    Path tmp;

    private final StringWriter err = new StringWriter();

    private static final String SPEC = SpecLoaderTest.MINIMAL + "metrics: {train: {}}\n";

    private Path spec() throws Exception {
        return Files.writeString(tmp.resolve("t.yaml"), SPEC);
    }

    private int run(List<Spec> expanded, String... args) {
        RunCommand cmd = new RunCommand();
        cmd.loader = org.vistabench.spec.SpecLoader::load;
        cmd.overridingLoader = org.vistabench.spec.SpecLoader::load;
        cmd.expander = s -> {
            expanded.add(s);
            return List.of(); // stop here: what the job would run with is all this test needs
        };
        cmd.progressBar = false;
        CommandLine cl = new CommandLine(cmd);
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("error: " + ex.getMessage());
            return ex instanceof VistaException ve ? ve.exitCode() : ExitCodes.INTERNAL;
        });
        return cl.execute(args);
    }

    @Test
    void openAiWithoutAServerInTheSpecIsAUsageErrorBeforeAnythingRuns() throws Exception {
        List<Spec> seen = new ArrayList<>();
        assertEquals(ExitCodes.USAGE, run(seen, spec().toString(), "--judge", "openai", "--out",
                tmp.resolve("r").toString()));
        assertEquals(List.of(), seen);
        String e = err.toString().strip();
        assertTrue(e.startsWith("error: ") && e.contains("--set judge.kind=openai") && e.contains("base_url"), e);
        assertFalse(Files.exists(tmp.resolve("r")));
    }

    @Test
    void theOptionSetsTheKindAndWithoutItTheSpecIsUntouched() throws Exception {
        List<Spec> seen = new ArrayList<>();
        Path file = spec();
        run(seen, file.toString(), "--judge", "lexicon", "--out", tmp.resolve("a").toString());
        run(seen, file.toString(), "--out", tmp.resolve("b").toString());
        assertEquals(2, seen.size(), err.toString());
        assertEquals("lexicon", seen.get(0).judge().kind());
        assertEquals(null, seen.get(1).judge(), "no judge: section, no option: the spec as written");
        assertEquals(List.of("judge.kind=lexicon"), org.vistabench.run.ResultsStore.readManifest(tmp.resolve("a")).orElseThrow()
                .spec().overrides(), "the option is recorded with the folder's identity");
    }
}
