package org.vistabench.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.io.Json;
import org.vistabench.results.MetricsTable;

class GoldenReportWriterTest {
    @TempDir
    Path tmp;

    private GoldenReport report() {
        Golden g = GoldenLoader.load(write(tmp.resolve("w.yaml"), """
                name: w
                claims:
                  - {id: gain, source: "paper", metric: m.x, expect: {ratio_of: {sae_layers: early}, to: {sae_layers: none}, at_least: 2}}
                  - {id: nan, source: "s", metric: m.n, for: {sae_layers: none}, expect: {at_most: 1}}
                  - {id: gone, source: "s", metric: m.gone, expect: {at_most: 1}}
                """));
        MetricsTable t = Fixtures.table()
                .add("mini-dino", "early", "none", 1, "m.x", 0.69).add("mini-dino", "early", "none", 2, "m.x", 0.71)
                .add("mini-dino", "none", "none", 1, "m.x", 0.24).add("mini-dino", "none", "none", 2, "m.x", 0.26)
                .add("mini-dino", "none", "none", 1, "m.n", Double.NaN)
                .add("mini-dino", "none", "none", 2, "m.n", 0.5).build();
        return GoldenEvaluator.evaluate(g, t, false);
    }

    private static Path write(Path f, String text) {
        try {
            return java.nio.file.Files.writeString(f, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void jsonCarriesEveryNumberAndIsDeterministic() throws Exception {
        String a = GoldenReportWriter.json(report());
        assertEquals(a, GoldenReportWriter.json(report()));
        JsonNode root = Json.MAPPER.readTree(a);
        assertEquals(1, root.get("exit_code").asInt());
        assertEquals("w", root.at("/golden/name").asText());
        JsonNode gain = root.at("/claims/0");
        assertEquals("PASS", gain.get("outcome").asText());
        JsonNode pair = gain.at("/results/0");
        assertEquals(2.8, pair.get("value").asDouble(), 1e-12);
        assertEquals(0.7, pair.at("/left/mean").asDouble(), 1e-12);
        assertEquals(2, pair.at("/left/n").asInt());
        assertEquals("[1,2]", pair.at("/right/seeds").toString());
        assertEquals(">= 2", pair.get("bound").asText());
        JsonNode nan = root.at("/claims/1/results/0");
        assertEquals("NaN", nan.get("value").asText());
        assertEquals("FAIL", root.at("/claims/1/outcome").asText());
        assertEquals("NOT_EVALUATED", root.at("/claims/2/outcome").asText());
        assertTrue(root.at("/claims/2/missing/0").asText().contains("m.gone"));
    }

    @Test
    void csvHasOneRowPerPairAndPerMissingItem() throws Exception {
        List<CSVRecord> rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()
                .parse(new java.io.StringReader(GoldenReportWriter.csv(report()))).getRecords();
        assertEquals(3, rows.size());
        assertEquals("gain", rows.get(0).get("claim"));
        assertEquals("2.8", rows.get(0).get("value").substring(0, 3));
        assertEquals("0.25", rows.get(0).get("right_mean"));
        assertEquals("2", rows.get(0).get("right_n"));
        // delta method: 2.8 * sqrt((0.01/0.7)^2 + (0.01/0.25)^2)
        assertEquals(2.8 * Math.sqrt(Math.pow(0.01 / 0.7, 2) + Math.pow(0.01 / 0.25, 2)),
                Double.parseDouble(rows.get(0).get("se")), 1e-9);
        assertEquals("NaN", rows.get(1).get("value"));
        assertEquals("false", rows.get(1).get("holds"));
        assertEquals("", rows.get(2).get("value"));
        assertTrue(rows.get(2).get("detail").startsWith("missing: metric m.gone"));
        assertEquals(GoldenReportWriter.CSV_HEADER, rows.get(0).getParser().getHeaderNames());
    }

    @Test
    void consoleTableHasOneLinePerClaimAndASummary() {
        String table = GoldenReportWriter.table(report());
        List<String> lines = table.lines().toList();
        assertEquals(5, lines.size());
        assertTrue(lines.get(0).startsWith("CLAIM"));
        assertTrue(lines.get(1).matches("gain +PASS +ratio 2\\.8 \\(early/none, mini-dino/mini-lm/none\\) >= 2 \\(margin 0\\.8 >= 2 x se .*\\)"),
                lines.get(1));
        assertEquals("3 claims: 1 PASS, 1 FAIL, 1 NOT_EVALUATED", lines.get(4));
    }
}
