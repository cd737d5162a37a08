package org.vistabench.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vistabench.cli.Main;
import org.vistabench.core.ExitCodes;
import org.vistabench.io.Json;

/** {@code validate}, {@code plan} and {@code run} through the real command line, with captured output. */
class SpecCliTest {
    @TempDir
    static Path tmp;
    private static Path mini;

    record Result(int exit, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exit, out.toString(), err.toString());
    }

    @BeforeAll
    static void shippedMiniSpecWithGolden() throws IOException {
        Path specs = Files.createDirectories(tmp.resolve("good/specs"));
        mini = specs.resolve("mini.yaml");
        Files.copy(Path.of("specs/mini.yaml"), mini);
        Files.createDirectories(tmp.resolve("good/golden"));
        Files.copy(Path.of("src/test/resources/specs/golden/mini.yaml"), tmp.resolve("good/golden/mini.yaml"));
    }

    static List<BadSpecs.BadSpec> badSpecs() throws IOException {
        return BadSpecs.all(Files.createDirectories(tmp.resolve("bad")));
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    private static List<String> workingDir() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(""))) {
            return s.map(Path::toString).filter(n -> !n.equals("target")).sorted().toList();
        }
    }

    @Test
    void validatePrintsCellCount() {
        Result r = run("validate", mini.toString());
        assertEquals(ExitCodes.OK, r.exit(), r.err());
        assertEquals("ok: 20 cells", r.out().strip());
        assertEquals("", r.err());
    }

    @Test
    void validatePrintsEveryErrorOnItsOwnLine() throws IOException {
        Path f = tmp.resolve("two-errors.yaml");
        Files.writeString(f, Files.readString(mini).replaceFirst("(?m)^  steps: \\d+$", "  steps: 0")
                .replaceFirst("(?m)^  lr: \\S+$", "  lr: fast")
                .replace("../golden/mini.yaml", "missing.yaml"));
        Result r = run("validate", f.toString());
        assertEquals(ExitCodes.USAGE, r.exit());
        List<String> lines = r.err().lines().toList();
        assertEquals(4, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("error: " + f + ":"), lines.get(0));
        assertTrue(lines.get(0).contains(": train.steps: expected a positive integer in [1, 2147483647], got 0"),
                lines.get(0));
        assertTrue(lines.get(1).contains(": train.lr: expected a positive number, got \"fast\""), lines.get(1));
        assertTrue(lines.get(2).contains(": golden: expected an existing golden file"), lines.get(2));
        assertEquals("3 errors in " + f, lines.get(3));
        assertEquals("", r.out());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void validatePlanAndRunRefuseBadSpecCleanly(BadSpecs.BadSpec bad) throws IOException {
        List<String> cwdBefore = workingDir();
        List<String> dirBefore = listing(bad.file().getParent());
        Path out = tmp.resolve("results-" + bad.name());
        for (String command : List.of("validate", "plan", "run")) {
            Result r = command.equals("run") ? run(command, bad.file().toString(), "--out", out.toString())
                    : run(command, bad.file().toString());
            assertEquals(ExitCodes.USAGE, r.exit(), command + ": " + r.err());
            assertTrue(r.err().startsWith("error: "), r.err());
            assertTrue(r.err().contains(bad.location()), "expected '" + bad.location() + "' in: " + r.err());
            assertFalse(r.err().contains("Exception"), r.err());
            assertFalse(r.err().contains("\tat "), r.err());
            assertEquals("", r.out(), command + " prints nothing to stdout");
        }
        assertEquals(cwdBefore, workingDir(), "nothing written to the working directory");
        assertEquals(dirBefore, listing(bad.file().getParent()), "nothing written next to the spec");
        assertFalse(Files.exists(out), "run wrote nothing: no results folder");
    }

    @Test
    void planListsCellsWithShardsAsTable() {
        Result r = run("plan", mini.toString(), "--shards", "3");
        assertEquals(ExitCodes.OK, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(22, lines.size(), r.out());
        assertTrue(lines.get(0).matches("cell +encoder +llm +sae_layers +control +seed +shard"), lines.get(0));
        assertTrue(lines.get(1).matches("mini-dino__mini-lm__none__none__s17 +mini-dino +mini-lm +none +none +17 +"
                + Shards.of("mini-dino__mini-lm__none__none__s17", 3)), lines.get(1));
        assertTrue(lines.get(21).startsWith("20 cells in 3 shards: 0="), lines.get(21));
    }

    @Test
    void planWritesCsvAndJson() throws IOException {
        Result csv = run("plan", mini.toString(), "--format", "csv", "--shards", "2");
        assertEquals(ExitCodes.OK, csv.exit(), csv.err());
        List<String> lines = csv.out().lines().toList();
        assertEquals("cell,encoder,llm,sae_layers,control,seed,shard", lines.get(0));
        assertEquals(21, lines.size());
        String id = "mini-clip__mini-lm__early__random-sae__s17";
        assertTrue(lines.contains(id + ",mini-clip,mini-lm,early,random-sae,17," + Shards.of(id, 2)), csv.out());

        Result json = run("plan", mini.toString(), "--format", "json", "--shards", "2");
        assertEquals(ExitCodes.OK, json.exit(), json.err());
        JsonNode doc = Json.MAPPER.readTree(json.out());
        assertEquals("mini", doc.get("spec").asText());
        assertEquals(2, doc.get("shards").asInt());
        assertEquals(20, doc.get("cells").size());
        JsonNode first = doc.get("cells").get(0);
        assertEquals("mini-dino__mini-lm__none__none__s17", first.get("cell").asText());
        assertEquals(17, first.get("seed").asLong());
        assertEquals(Shards.of(first.get("cell").asText(), 2), first.get("shard").asInt());
        assertEquals(json.out(), run("plan", mini.toString(), "--format", "json", "--shards", "2").out(),
                "byte-identical output");
    }

    @Test
    void planRefusesBadOptionsAsUsageErrors() {
        Result zero = run("plan", mini.toString(), "--shards", "0");
        assertEquals(ExitCodes.USAGE, zero.exit());
        assertTrue(zero.err().contains("--shards must be at least 1, got 0"), zero.err());
        Result format = run("plan", mini.toString(), "--format", "xml");
        assertEquals(ExitCodes.USAGE, format.exit());
        assertFalse(format.err().contains("\tat "), format.err());
        Result missing = run("validate", tmp.resolve("nope.yaml").toString());
        assertEquals(ExitCodes.USAGE, missing.exit());
        assertTrue(missing.err().contains("nope.yaml: spec file not found"), missing.err());
    }

    @Test
    void helpShowsExamples() {
        for (String command : List.of("validate", "plan")) {
            Result r = run(command, "--help");
            assertEquals(ExitCodes.OK, r.exit());
            assertTrue(r.out().contains("Examples:"), r.out());
            assertTrue(r.out().contains("vistabench " + command + " specs/"), r.out());
        }
    }
}
