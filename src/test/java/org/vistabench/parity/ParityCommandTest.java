package org.vistabench.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vistabench.cli.Main;
import org.vistabench.core.ExitCodes;
import org.vistabench.tensor.DType;
import org.vistabench.tensor.SafeTensors;
import org.vistabench.tensor.SafeTensorsWriter;
import org.vistabench.tensor.TensorInfo;

/** {@code vistabench parity} on every shipped fixture folder, and on tampered references. */
class ParityCommandTest {
    static final Path HF = Path.of("src/test/resources/fixtures/hf-parity");
    static final Path LLAMA_SCOPE = Path.of("src/test/resources/fixtures/sae-formats/llama-scope-tiny");

    record Result(int exit, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exit, out.toString(), err.toString());
    }

    static Stream<Path> fixtureFolders() throws IOException {
        return Parity.fixtureFolders(HF).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtureFolders")
    void everyFixtureFolderPasses(Path dir) {
        Result r = run("parity", dir.toString());
        assertEquals(ExitCodes.OK, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("ok: "), r.out());
    }

    @Test
    void findsAllNineFixtureFolders() throws IOException {
        assertEquals(9, Parity.fixtureFolders(HF).size(), Parity.fixtureFolders(HF).toString());
    }

    @Test
    void llamaScopeFolderPassesWithItsExpectedFile() {
        Result r = run("parity", LLAMA_SCOPE.resolve("Llama3_1-8B-Base-L2R-8x").toString(),
                "--expected", LLAMA_SCOPE.resolve("expected.safetensors").toString());
        assertEquals(ExitCodes.OK, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("steer.out"), r.out());
    }

    @Test
    void tamperedLogitsFailNamingTheTensor(@TempDir Path tmp) throws IOException {
        Path model = copyFolder(HF.resolve("gemma2-tiny-f32"), tmp.resolve("gemma"));
        tamper(model.resolve("expected.safetensors"), "logits", 0.5f);
        Result r = run("parity", model.toString());
        assertEquals(ExitCodes.CLAIM_FAILED, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("error: logits: max|d| 5.000e-01 exceeds bound"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void tamperedSaeReferenceFails(@TempDir Path tmp) throws IOException {
        Path sae = copyFolder(HF.resolve("sae-jumprelu-tiny"), tmp.resolve("sae"));
        tamper(sae.resolve("expected.safetensors"), "recon", 0.25f);
        Result r = run("parity", sae.toString());
        assertEquals(ExitCodes.CLAIM_FAILED, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("error: recon"), r.err());
    }

    @Test
    void looserToleranceAcceptsWhatTheDefaultRejects(@TempDir Path tmp) throws IOException {
        Path model = copyFolder(HF.resolve("dinov2-tiny"), tmp.resolve("dino"));
        tamper(model.resolve("expected.safetensors"), "56.last_hidden_state", 1e-3f);
        assertEquals(ExitCodes.CLAIM_FAILED, run("parity", model.toString()).exit());
        assertEquals(ExitCodes.OK, run("parity", model.toString(), "--tolerance", "1e-2").exit());
    }

    @Test
    void folderOfUnknownKindIsAUsageError(@TempDir Path tmp) {
        Result r = run("parity", tmp.toString());
        assertEquals(ExitCodes.USAGE, r.exit());
        assertTrue(r.err().contains("cannot tell what kind of model"), r.err());
    }

    /**
     * Issue #20 point 16: a reference tensor of another shape is a shape mismatch naming both shapes (before: its data
     * was read whole and compared, printing an infinite error), and the help lists exit code 3.
     */
    @Test
    void referenceOfAnotherShapeIsReportedAsAShapeMismatch(@TempDir Path tmp) throws IOException {
        Path model = copyFolder(HF.resolve("gemma2-tiny-f32"), tmp.resolve("gemma"));
        rewrite(model.resolve("expected.safetensors"), "hidden_states.1", new long[] {3, 5}, v -> new float[15]);
        Result r = run("parity", model.toString());
        assertEquals(ExitCodes.CLAIM_FAILED, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("error: hidden_states.1 (shape mismatch: ours (") && r.err().contains(
                "reference [3, 5])"), r.err());
        assertFalse(r.err().contains("Infinity") || r.out().contains("Infinity"), r.out() + r.err());
        assertTrue(run("parity", "--help").out().contains("3 a model or reference file"));
    }

    /** Adds {@code delta} to the first element of one tensor of a reference file, keeping everything else. */
    static void tamper(Path file, String tensor, float delta) {
        rewrite(file, tensor, null, v -> {
            v[0] += delta;
            return v;
        });
    }

    /** Rewrites a reference file with one float tensor changed: new values and, unless null, a new shape. */
    static void rewrite(Path file, String tensor, long[] shape, java.util.function.UnaryOperator<float[]> values) {
        SafeTensorsWriter w = new SafeTensorsWriter();
        try (SafeTensors st = SafeTensors.open(file)) {
            w.metadata(st.metadata());
            for (String n : st.names()) {
                TensorInfo t = st.info(n);
                if (t.dtype() == DType.I64) {
                    w.put(n, t.shape(), st.longs(n));
                } else if (n.equals(tensor)) {
                    w.put(n, DType.F32, shape == null ? t.shape() : shape, values.apply(st.floats(n)));
                } else {
                    w.put(n, DType.F32, t.shape(), st.floats(n));
                }
            }
        }
        w.write(file);
    }

    static Path copyFolder(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
        return to;
    }

}
