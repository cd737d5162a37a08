package org.vistabench.report.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vistabench.io.Json;
import org.vistabench.report.ReportInput;
import org.vistabench.report.ReportPart;
import org.vistabench.run.ReportInputs;
import org.vistabench.spec.Cell;

class DashboardPartTest {
    @TempDir
    Path tmp;

    private ReportInput fixture() {
        return ReportInputs.read(ResultsFixture.write(tmp.resolve("results")));
    }

    private static JsonNode cell(JsonNode data, Cell c) {
        for (JsonNode n : data.get("cells")) {
            if (n.get("id").asText().equals(c.id())) {
                return n;
            }
        }
        throw new AssertionError("no cell " + c.id());
    }

    @Test
    void perPatchRecordsCarryQuantizedMapsAndMasks() throws IOException {
        JsonNode data = DashboardData.of(fixture());
        JsonNode full = cell(data, ResultsFixture.FULL);
        assertEquals("patches", full.get("source").asText());
        // images 1 and 2 from patches.jsonl (with maps), then 3 from match_rate.jsonl (without), 2 layers each
        List<String> keys = new ArrayList<>();
        full.get("records").forEach(r -> keys.add(r.get("image") + "/" + r.get("layer")));
        assertEquals(List.of("1/0", "1/1", "2/0", "2/1", "3/0", "3/1"), keys);
        JsonNode top = full.at("/records/0/latents/0");
        assertEquals(100, top.get("latent").asInt());
        assertEquals(ResultsFixture.label(0, 100), top.get("label").asText());
        assertEquals("object:dog", top.at("/matched/0").asText());
        byte[] map = Base64.getDecoder().decode(top.get("map").asText());
        assertEquals(ResultsFixture.GRID * ResultsFixture.GRID, map.length);
        // the map's maximum is kept and scaled to 255; patches outside the dog are 0
        assertEquals(0.75, top.get("max").asDouble(), 1e-6);
        assertEquals(255, map[5] & 0xff);
        assertEquals(0, map[15]);
        assertEquals("1100110000000000", full.at("/records/0/masks/dog").asText());
        assertFalse(full.at("/records/4/latents/0").has("map"), "match-rate records have no maps");
        // steering positions are image-token positions after one CLS token: patches 0, 1, 4, 5
        assertEquals("[0,1,4,5]", full.at("/steering/0/patches").toString());
        assertEquals(2, full.get("steeringTotal").asInt());

        JsonNode matchOnly = cell(data, ResultsFixture.MATCH_ONLY);
        assertEquals("match_rate", matchOnly.get("source").asText());
        assertEquals(6, matchOnly.get("imagesTotal").asInt());
        assertEquals(ResultsFixture.ERROR, cell(data, ResultsFixture.FAILED).get("error").asText());
        assertEquals("none", cell(data, ResultsFixture.PENDING).get("source").asText());
        // images the records name are inlined once each; the fixture saved 1..3 only
        List<String> images = new ArrayList<>();
        data.get("images").fieldNames().forEachRemaining(images::add);
        assertEquals(List.of("1", "2", "3"), images);
        assertTrue(data.at("/images/1").asText().startsWith("data:image/png;base64,iVBOR"));
    }

    @Test
    void imagesAndSteeringAreCappedPerCell() throws IOException {
        ReportInput in = fixture();
        Path dir = in.results().resolve("cells").resolve(ResultsFixture.MATCH_ONLY.id());
        StringBuilder match = new StringBuilder();
        StringBuilder steering = new StringBuilder();
        for (int image = 1; image <= DashboardData.IMAGES_PER_CELL + 3; image++) {
            match.append("{\"image_id\":").append(image).append(",\"layer\":0,\"latents\":[]}\n");
        }
        for (int i = 0; i < DashboardData.STEERING_PER_CELL + 5; i++) {
            steering.append("{\"image_id\":1,\"task\":\"removal\",\"patches\":[],\"success\":false}\n");
        }
        Files.writeString(dir.resolve("match_rate.jsonl"), match);
        Files.writeString(dir.resolve("steering.jsonl"), steering);
        JsonNode c = cell(DashboardData.of(in), ResultsFixture.MATCH_ONLY);
        assertEquals(DashboardData.IMAGES_PER_CELL + 3, c.get("imagesTotal").asInt());
        assertEquals(DashboardData.IMAGES_PER_CELL, c.get("records").size());
        assertEquals(DashboardData.STEERING_PER_CELL + 5, c.get("steeringTotal").asInt());
        assertEquals(DashboardData.STEERING_PER_CELL, c.get("steering").size());
    }

    @Test
    void onePageOfflineAndByteStable() throws IOException {
        ReportInput in = fixture();
        Path out = tmp.resolve("out");
        assertEquals(List.of(Path.of(DashboardPart.FILE)),
                new DashboardPart().write(in, out, new ReportPart.Options(false)));
        String html = Files.readString(out.resolve(DashboardPart.FILE));
        assertEquals(html, DashboardPart.html(in), "same input, same bytes");
        assertFalse(html.contains("{{"), "every slot is filled");
        Matcher external = Pattern.compile("(?i)(src|href)\\s*=\\s*[\"']?(https?:|//)|<link\\b|@import|url\\(http")
                .matcher(html);
        assertFalse(external.find(), () -> "an external resource: " + external.group());
        // the data block parses back to what DashboardData built
        Matcher data = Pattern.compile("<script type=\"application/json\" id=\"data\">(.*?)</script>",
                Pattern.DOTALL).matcher(html);
        assertTrue(data.find());
        assertTrue(DashboardData.of(in).toString().equals(Json.MAPPER.readTree(data.group(1)).toString()),
                "the data block is DashboardData's tree");
    }

    @Test
    void aLabelCannotCloseTheDataScript() throws IOException {
        ReportInput in = fixture();
        Path f = in.results().resolve("cells").resolve(ResultsFixture.FULL.id()).resolve("patches.jsonl");
        Files.writeString(f, Files.readString(f).replace("dog (object;", "</script><script>alert(1)</script> (object;"));
        String html = DashboardPart.html(in);
        assertEquals(2, html.split("</script>", -1).length - 1, "only the page's own two scripts close");
        Matcher data = Pattern.compile("id=\"data\">(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertTrue(data.find());
        assertTrue(Json.MAPPER.readTree(data.group(1)).at("/cells/0/records/0/latents/0/label").asText()
                .startsWith("</script><script>alert(1)"));
    }
}
