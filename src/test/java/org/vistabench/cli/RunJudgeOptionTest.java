package org.vistabench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
import org.vistabench.run.testing.TestSpecs;
import org.vistabench.spec.Spec;
import picocli.CommandLine;

/** {@code run --judge}: overrides the spec's judge kind before anything runs. */
class RunJudgeOptionTest {
    @TempDir
    Path tmp;

    private final StringWriter err = new StringWriter();

    private int run(Spec spec, List<Spec> expanded, String... args) {
        RunCommand cmd = new RunCommand();
        cmd.loader = p -> spec;
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
    void openAiWithoutAServerInTheSpecIsAUsageErrorBeforeAnythingRuns() {
        List<Spec> seen = new ArrayList<>();
        Spec spec = TestSpecs.minimal(tmp, "t", TestSpecs.fakeParams(0, null, null));
        assertEquals(ExitCodes.USAGE, run(spec, seen, "spec.yaml", "--judge", "openai", "--out",
                tmp.resolve("r").toString()));
        assertEquals(List.of(), seen);
        assertEquals("error: " + spec.file() + ": judge: --judge openai needs judge.base_url and judge.model in the "
                + "spec, got no base_url", err.toString().strip());
        assertFalse(Files.exists(tmp.resolve("r")));
    }

    @Test
    void theOptionReplacesTheKindAndWithoutItTheSpecIsUntouched() {
        List<Spec> seen = new ArrayList<>();
        Spec spec = TestSpecs.minimal(tmp, "t", TestSpecs.fakeParams(0, null, null));
        run(spec, seen, "spec.yaml", "--judge", "lexicon", "--out", tmp.resolve("a").toString());
        run(spec, seen, "spec.yaml", "--out", tmp.resolve("b").toString());
        assertEquals(2, seen.size(), err.toString());
        assertEquals("lexicon", seen.get(0).judge().kind());
        assertEquals(spec, seen.get(1));
    }
}
