package org.vistabench.report.allure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.io.Json;
import org.vistabench.report.ReportInput;
import org.vistabench.report.ReportPart;
import org.vistabench.report.dashboard.ResultsFixture;
import org.vistabench.run.ReportInputs;
import org.vistabench.spec.Cell;

class AllurePartTest {
    @TempDir
    Path tmp;
    ReportInput in;

    @BeforeEach
    void fixture() {
        in = ReportInputs.read(ResultsFixture.write(tmp.resolve("results")));
    }

    private Map<String, JsonNode> write(Path out) throws IOException {
        List<Path> written = new AllurePart().write(in, out, new ReportPart.Options(false));
        Map<String, JsonNode> byName = new TreeMap<>();
        for (Path p : written) {
            assertTrue(Files.isRegularFile(out.resolve(p)), p + " listed but not written");
            if (p.getFileName().toString().endsWith("-result.json")) {
                JsonNode r = Json.MAPPER.readTree(out.resolve(p).toFile());
                byName.put(r.get("name").asText(), r);
            }
        }
        assertEquals(written.size(), count(out.resolve(AllureResults.DIR)), "every file is listed");
        return byName;
    }

    @Test
    void oneCasePerClaimWithTheOutcomesStatus() throws IOException {
        Map<String, JsonNode> cases = write(tmp.resolve("out"));
        List<String> expected = List.of("passed", "failed", "broken", "skipped", "failed");
        for (int i = 0; i < ResultsFixture.CLAIMS.size(); i++) {
            JsonNode c = cases.get(ResultsFixture.CLAIMS.get(i));
            assertEquals(expected.get(i), c.get("status").asText(), ResultsFixture.OUTCOMES.get(i));
            assertEquals("golden claims", label(c, "parentSuite"));
            assertEquals("kind: " + (i % 2 == 0 ? "absolute" : "relative"), label(c, "suite"));
            assertEquals(ResultsFixture.OUTCOMES.get(i), param(c, "outcome"));
        }
        JsonNode known = cases.get("tiny-lm-reads-prefix");
        assertTrue(known.at("/statusDetails/known").asBoolean());
        assertEquals("known failure: the tiny LM cannot read a prefix", known.at("/statusDetails/message").asText());
        assertTrue(cases.get("steering-known-weak").at("/statusDetails/message").asText().startsWith("unexpected pass"));
        assertTrue(cases.get("localizes-objects").at("/statusDetails/message").asText().startsWith("not evaluated"));
        assertEquals("missing: enc-b/lm/early/none: no cells",
                cases.get("localizes-objects").at("/steps/0/name").asText());
        JsonNode fails = cases.get("match-rate-above-chance");
        assertEquals("failed", fails.at("/steps/0/status").asText());
        assertTrue(fails.get("description").asText().startsWith("paper: the statement behind"));
    }

    @Test
    void oneCasePerCellWithItsStatusStepsAndFiles() throws IOException {
        Path out = tmp.resolve("out");
        Map<String, JsonNode> cases = write(out);
        assertEquals("passed", cases.get(ResultsFixture.FULL.id()).get("status").asText());
        assertEquals("skipped", cases.get(ResultsFixture.PENDING.id()).get("status").asText());
        assertEquals("broken", cases.get(ResultsFixture.INCOMPLETE.id()).get("status").asText());
        JsonNode failed = cases.get(ResultsFixture.FAILED.id());
        assertEquals("failed", failed.get("status").asText());
        assertEquals("cell failed: " + ResultsFixture.ERROR, failed.at("/statusDetails/message").asText());
        // stages in the spec's order: the one named by the error failed, the later ones never ran
        assertEquals(List.of("train:passed", "match_rate:failed", "localization:skipped", "steering:skipped"),
                steps(failed));

        JsonNode full = cases.get(ResultsFixture.FULL.id());
        Cell c = ResultsFixture.FULL;
        assertEquals(List.of("train:passed", "match_rate:passed", "localization:passed", "steering:passed"),
                steps(full));
        assertEquals("0.25", full.at("/steps/1/parameters/0/value").asText());
        assertEquals("cells", label(full, "parentSuite"));
        assertEquals(c.encoder(), label(full, "suite"));
        assertEquals("17", param(full, "seed"));
        assertEquals(c.saeLayers(), param(full, "sae_layers"));
        assertEquals(c.control(), param(full, "control"));
        assertFalse(full.has("start"), "no stage times in the folder: no invented durations");
        List<String> attached = new ArrayList<>();
        for (JsonNode a : full.get("attachments")) {
            attached.add(a.get("name").asText());
            assertTrue(Files.isRegularFile(out.resolve(AllureResults.DIR).resolve(a.get("source").asText())));
        }
        assertEquals(List.of("metrics.json", "trace.csv", "steering.jsonl"), attached);
        byte[] metrics = Files.readAllBytes(out.resolve(AllureResults.DIR)
                .resolve(full.at("/attachments/0/source").asText()));
        assertArrayEquals(Files.readAllBytes(in.results().resolve("cells").resolve(c.id()).resolve("metrics.json")),
                metrics);
    }

    @Test
    void aFailureOutsideTheSpecsStagesIsOneFailedStep() throws IOException {
        Path error = in.results().resolve("cells").resolve(ResultsFixture.FAILED.id()).resolve("error.txt");
        Files.writeString(error, "OutOfMemoryError: no stage\n");
        in = ReportInputs.read(in.results());
        JsonNode failed = write(tmp.resolve("out")).get(ResultsFixture.FAILED.id());
        assertEquals(List.of("error:failed"), steps(failed));
        assertEquals("OutOfMemoryError: no stage", failed.at("/steps/0/statusDetails/message").asText());
    }

    @Test
    void theRunCaseAttachesTheReportsTablesAndFigures() throws IOException {
        Path out = tmp.resolve("out");
        Files.createDirectories(out.resolve("tables"));
        Files.writeString(out.resolve("tables").resolve("paper.csv"), "a,b\n1,2\n");
        Files.createDirectories(out.resolve("figures"));
        Files.write(out.resolve("figures").resolve("match.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        JsonNode run = write(out).get("run " + ResultsFixture.SPEC);
        assertEquals("failed", run.get("status").asText(), "golden exits 1 and a cell failed");
        assertEquals("run fails: golden gate exits 1; cells 2 done, 1 failed, 1 incomplete, 1 pending",
                run.at("/statusDetails/message").asText());
        List<String> names = new ArrayList<>();
        run.get("attachments").forEach(a -> names.add(a.get("name").asText() + " " + a.get("type").asText()));
        assertEquals(List.of("spec fixture.yaml text/plain", "run.json application/json", "paper.csv text/csv",
                "match.png image/png", "metrics.csv text/csv"), names);
        assertEquals(Instant("2026-01-02T03:04:05Z"), run.get("start").asLong());
        assertEquals(Instant("2026-01-02T03:14:05Z"), run.get("stop").asLong());
    }

    @Test
    void twoReportsOfTheSameFolderAreByteIdenticalAndStaleFilesGo() throws IOException {
        write(tmp.resolve("a"));
        Path b = tmp.resolve("b");
        Files.createDirectories(b.resolve(AllureResults.DIR));
        Files.writeString(b.resolve(AllureResults.DIR).resolve("stale-result.json"), "{}");
        write(b);
        Map<String, byte[]> fa = files(tmp.resolve("a").resolve(AllureResults.DIR));
        Map<String, byte[]> fb = files(b.resolve(AllureResults.DIR));
        assertEquals(fa.keySet(), fb.keySet());
        fa.forEach((k, v) -> assertArrayEquals(v, fb.get(k), k));
        assertTrue(fa.containsKey("environment.properties") && fa.containsKey("categories.json"));
        String env = new String(fa.get("environment.properties"), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(env.startsWith("spec=fixture\n"), env);
        assertTrue(env.contains("git.commit=0123456789abcdef0123456789abcdef01234567\n"), env);
    }

    @Test
    void stageOrderComesFromTheSpecsMetricsSection() {
        assertEquals(List.of("train", "match_rate"), AllureResults.stageOrder("name: x\nmetrics:\n  train: {}\n"
                + "  match_rate: {}\n"));
        assertEquals(List.of(), AllureResults.stageOrder("name: [unclosed"));
    }

    private static long Instant(String iso) {
        return java.time.Instant.parse(iso).toEpochMilli();
    }

    private static List<String> steps(JsonNode c) {
        List<String> out = new ArrayList<>();
        c.get("steps").forEach(s -> out.add(s.get("name").asText() + ":" + s.get("status").asText()));
        return out;
    }

    private static String label(JsonNode c, String name) {
        return pair(c.get("labels"), name);
    }

    private static String param(JsonNode c, String name) {
        return pair(c.get("parameters"), name);
    }

    private static String pair(JsonNode array, String name) {
        for (JsonNode l : array) {
            if (l.get("name").asText().equals(name)) {
                return l.get("value").asText();
            }
        }
        return null;
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    private static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                out.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }
}
