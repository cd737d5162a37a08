package org.vistabench.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.FileError;
import org.vistabench.spec.Cell;

class GoldenLoaderTest {
    private static final Path BAD = Path.of("src/test/resources/golden/bad");
    private static final Pattern EXPECT = Pattern.compile("# expect: (\\d+):(\\d+) (.+)");

    @TempDir
    Path tmp;

    static Stream<Path> badFiles() throws IOException {
        try (Stream<Path> s = Files.list(BAD)) {
            return s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @Test
    void shipsAtLeastTenMalformedFiles() throws IOException {
        assertTrue(badFiles().count() >= 10);
    }

    /** Each bad file's first line says where the error is and what it says: {@code # expect: LINE:COL TEXT}. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void reportsTheErrorAtItsLineAndColumn(Path file) throws IOException {
        Matcher m = EXPECT.matcher(Files.readAllLines(file).get(0));
        assertTrue(m.matches(), file + ": first line must be '# expect: LINE:COL TEXT'");
        int line = Integer.parseInt(m.group(1));
        int col = Integer.parseInt(m.group(2));
        String text = m.group(3);
        GoldenException e = assertThrows(GoldenException.class, () -> GoldenLoader.load(file));
        assertEquals(ExitCodes.USAGE, e.exitCode());
        assertTrue(e.errors().stream().anyMatch(err -> err.line() == line && err.column() == col
                        && err.toString().contains(text)),
                "wanted " + line + ":" + col + " " + text + " in:\n" + e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString() + ":"), e.getMessage());
    }

    @Test
    void loadsBothShippedGoldenFiles() {
        Golden paper = GoldenLoader.load(Path.of("golden/vista-paper.yaml"));
        Golden mini = GoldenLoader.load(Path.of("golden/mini.yaml"));
        assertEquals(List.of("match-rate-gain", "dino-localizes-better-than-clip", "dino-localizes-better-than-ijepa",
                "removal-gain", "replacement-gain", "early-layers-cost-least"),
                paper.claims().stream().map(Claim::id).toList());
        assertEquals(25, mini.claims().size());
        for (Golden g : List.of(paper, mini)) {
            for (Claim c : g.claims()) {
                assertFalse(c.source().isBlank(), c.id());
            }
        }
        assertEquals(64, paper.sha256().length());
    }

    @Test
    void shippedPaperClaimsUseTheAgreedBounds() {
        Golden paper = GoldenLoader.load(Path.of("golden/vista-paper.yaml"));
        assertEquals(2.33, ratioLowerBound(paper, "match-rate-gain"));
        assertEquals(1.23, ratioLowerBound(paper, "removal-gain"));
        assertEquals(1.31, ratioLowerBound(paper, "replacement-gain"));
    }

    private static double ratioLowerBound(Golden g, String id) {
        Claim c = g.claims().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
        return ((Expectation.Ratio) c.expect()).bound().atLeast();
    }

    @Test
    void controlDefaultsToNoneUnlessNamed() throws IOException {
        Golden g = load("""
                claims:
                  - {id: a, source: s, metric: m.x, expect: {at_least: 0}}
                  - {id: b, source: s, metric: m.x, for: {control: random-sae}, expect: {at_least: 0}}
                """);
        Cell plain = Cell.of("e", "l", "none", "none", 1);
        Cell control = Cell.of("e", "l", "none", "random-sae", 1);
        assertTrue(g.claims().get(0).select().matches(plain));
        assertFalse(g.claims().get(0).select().matches(control));
        assertTrue(g.claims().get(1).select().matches(control));
        assertFalse(g.claims().get(1).select().matches(plain));
    }

    @Test
    void readsEveryKindOfExpectation() {
        Golden g = GoldenLoader.load(Path.of("src/test/resources/golden/good/all-kinds.yaml"));
        assertEquals("all-kinds", g.name());
        var abs = assertInstanceOf(Expectation.Absolute.class, g.claims().get(0).expect());
        assertEquals(0.75, abs.bound().atLeast(), 1e-12);
        assertEquals(0.85, abs.bound().atMost(), 1e-12);
        var rel = assertInstanceOf(Expectation.Ratio.class, g.claims().get(1).expect());
        assertEquals(List.of("early", "all"), rel.of().patterns().get(Coordinate.SAE_LAYERS));
        assertEquals(10.0, rel.bound().atMost());
        var cmp = assertInstanceOf(Expectation.Compare.class, g.claims().get(2).expect());
        assertFalse(cmp.greater());
        assertEquals(0.1, cmp.byAtLeast());
        Claim c = g.claims().get(2);
        assertEquals("localization.pointing_game_random", c.baseline());
        assertEquals("prototype: does not reproduce", c.knownFailure());
        assertTrue(cmp.left().matches(Cell.of("mini-dino", "l", "x", "none", 1)));
        assertNull(g.claims().get(0).baseline());
    }

    @Test
    void reportsEveryErrorAtOnce() throws IOException {
        GoldenException e = assertThrows(GoldenException.class, () -> load("""
                claims:
                  - {id: a, source: s, metric: m.x, expect: {at_least: "x"}}
                  - {id: b, metric: m.x, expect: {at_most: 1}}
                  - {id: c, source: s, metric: m.x, expect: {at_mots: 1}}
                """));
        assertEquals(3, e.errors().size(), e.getMessage());
        assertEquals(List.of(2, 3, 4), e.errors().stream().map(FileError::line).toList());
    }

    @Test
    void errorLineNamesFileLineColumnKeyPathAndValue() throws IOException {
        Path f = tmp.resolve("g.yaml");
        Files.writeString(f, "claims:\n  - {id: a, source: s, metric: m.x, expect: {at_least: x}}\n  - {id: b, source: s,"
                + " metric: m.x, expect: {at_least: 1}}\n  - {id: c, source: s, metric: m.x, expect: {at_least: fast}}\n");
        GoldenException e = assertThrows(GoldenException.class, () -> GoldenLoader.load(f));
        assertEquals(f + ":4:56: claims[2].expect.at_least: expected a number, got \"fast\"", e.errors().get(1).toString());
    }

    @Test
    void suggestsNothingForAFarOffKey() throws IOException {
        GoldenException e = assertThrows(GoldenException.class, () -> load("""
                claims:
                  - {id: a, source: s, metric: m.x, expect: {at_least: 1}, zebra: 1}
                """));
        assertFalse(e.getMessage().contains("did you mean"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown key 'zebra'; allowed: id, source"), e.getMessage());
    }

    @Test
    void missingGoldenFileIsAUsageError() {
        GoldenException e = assertThrows(GoldenException.class, () -> GoldenLoader.load(tmp.resolve("nope.yaml")));
        assertEquals(ExitCodes.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("nope.yaml: golden file not found"));
    }

    @Test
    void rejectsSidesThatSelectTheSameCells() throws IOException {
        GoldenException e = assertThrows(GoldenException.class, () -> load("""
                claims:
                  - {id: a, source: s, metric: m.x, expect: {compare: {encoder: x}, greater_than: {encoder: x}}}
                """));
        assertTrue(e.getMessage().contains("selects the same cells as 'compare'"), e.getMessage());
    }

    private Golden load(String yaml) throws IOException {
        Path f = tmp.resolve("golden.yaml");
        Files.writeString(f, yaml);
        return GoldenLoader.load(f);
    }
}
