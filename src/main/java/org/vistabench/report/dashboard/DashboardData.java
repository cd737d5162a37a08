package org.vistabench.report.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.vistabench.io.Json;
import org.vistabench.report.ReportInput;
import org.vistabench.results.RecordFiles;
import org.vistabench.spec.Cell;

/**
 * What the feature dashboard shows, as one JSON tree: per cell, per image and layer, the top SAE latents at the image
 * positions (label, activation, matched concepts) with their activation maps over the patch grid and the image's
 * object masks, from {@code patches.jsonl}; where a cell has no {@code patches.jsonl}, the latents of
 * {@code match_rate.jsonl} without maps. Then the cell's steering examples ({@code steering.jsonl}) and the images
 * (as {@code data:} URIs, each once). Cells without records are listed with their status, so gaps show.
 *
 * <p>Caps keep the page small for a full run (15 cells): {@value #IMAGES_PER_CELL} images per cell (those with maps
 * first, in record order) and {@value #STEERING_PER_CELL} steering examples per cell; the page says what it left out.
 * Maps are quantized to bytes (0-255, scaled by the map's own maximum, which is kept), base64.
 */
public final class DashboardData {
    public static final int IMAGES_PER_CELL = 12;
    public static final int STEERING_PER_CELL = 24;

    private DashboardData() {
    }

    public static ObjectNode of(ReportInput in) throws IOException {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("spec", in.specName());
        root.put("results", in.results().toAbsolutePath().normalize().getFileName() == null ? ""
                : in.results().toAbsolutePath().normalize().getFileName().toString());
        root.put("imagesPerCell", IMAGES_PER_CELL);
        root.put("steeringPerCell", STEERING_PER_CELL);
        TreeSet<Long> imageIds = new TreeSet<>();
        ArrayNode cells = root.putArray("cells");
        for (ReportInput.CellRow row : in.cells()) {
            cells.add(cell(in, row, imageIds));
        }
        ObjectNode images = root.putObject("images");
        for (long id : imageIds) {
            Path f = RecordFiles.image(in.results(), id);
            if (Files.isRegularFile(f)) {
                images.put(Long.toString(id), "data:image/png;base64,"
                        + Base64.getEncoder().encodeToString(Files.readAllBytes(f)));
            }
        }
        return root;
    }

    private static ObjectNode cell(ReportInput in, ReportInput.CellRow row, TreeSet<Long> imageIds)
            throws IOException {
        Cell c = row.cell();
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", c.id());
        o.put("encoder", c.encoder());
        o.put("llm", c.llm());
        o.put("layers", c.saeLayers());
        o.put("control", c.control());
        o.put("seed", c.seed());
        o.put("status", row.status());
        if (row.error() != null) {
            o.put("error", row.error());
        }
        List<JsonNode> patches = lines(in.record(row, RecordFiles.PATCHES));
        List<JsonNode> match = lines(in.record(row, RecordFiles.MATCH_RATE));
        String source = !patches.isEmpty() ? "patches" : !match.isEmpty() ? "match_rate" : "none";
        o.put("source", source);
        // Images in record order: those with maps first, then the match-rate ones; the first IMAGES_PER_CELL shown.
        LinkedHashSet<Long> all = new LinkedHashSet<>();
        patches.forEach(r -> all.add(r.path("image_id").asLong()));
        match.forEach(r -> all.add(r.path("image_id").asLong()));
        List<Long> shown = all.stream().limit(IMAGES_PER_CELL).toList();
        o.put("imagesTotal", all.size());
        ArrayNode records = o.putArray("records");
        // One record per (image, layer): the patches record when there is one, else the match-rate record.
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        for (JsonNode r : patches) {
            byKey.putIfAbsent(key(r), r);
        }
        for (JsonNode r : match) {
            byKey.putIfAbsent(key(r), r);
        }
        for (long id : shown) {
            TreeMap<Integer, JsonNode> layers = new TreeMap<>();
            byKey.values().stream().filter(r -> r.path("image_id").asLong() == id)
                    .forEach(r -> layers.put(r.path("layer").asInt(), r));
            for (JsonNode r : layers.values()) {
                records.add(record(r));
            }
            imageIds.add(id);
        }
        List<JsonNode> steering = lines(in.record(row, RecordFiles.STEERING));
        o.put("steeringTotal", steering.size());
        ArrayNode st = o.putArray("steering");
        for (JsonNode s : steering.subList(0, Math.min(STEERING_PER_CELL, steering.size()))) {
            st.add(steering(s));
            imageIds.add(s.path("image_id").asLong());
        }
        return o;
    }

    private static String key(JsonNode r) {
        return r.path("image_id").asLong() + "/" + r.path("layer").asInt();
    }

    /** A record as the page reads it: maps quantized, masks kept as 0/1 strings. */
    private static ObjectNode record(JsonNode r) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("image", r.path("image_id").asLong());
        o.put("layer", r.path("layer").asInt());
        o.put("grid", r.path("grid").asInt(0));
        ArrayNode lat = o.putArray("latents");
        for (JsonNode l : r.path("latents")) {
            ObjectNode e = lat.addObject();
            e.put("latent", l.path("latent").asInt());
            e.put("label", l.path("label").asText(""));
            e.put("activation", l.path("activation").floatValue());
            ArrayNode m = e.putArray("matched");
            l.path("matched").forEach(x -> m.add(x.asText()));
            if (l.path("map").isArray() && l.path("map").size() > 0) {
                quantize(l.path("map"), e);
            }
        }
        ObjectNode masks = o.putObject("masks");
        new TreeMap<String, JsonNode>(fields(r.path("masks"))).forEach((k, v) -> masks.put(k, v.asText()));
        return o;
    }

    /** The map as bytes scaled by its maximum ({@code max}; 0 when nothing fires), base64 in {@code map}. */
    static void quantize(JsonNode map, ObjectNode into) {
        float max = 0;
        for (JsonNode v : map) {
            max = Math.max(max, v.floatValue());
        }
        byte[] b = new byte[map.size()];
        for (int i = 0; i < b.length; i++) {
            float v = map.get(i).floatValue();
            b[i] = (byte) (max > 0 && v > 0 ? Math.round(255 * Math.min(1f, v / max)) : 0);
        }
        into.put("max", max);
        into.put("map", Base64.getEncoder().encodeToString(b));
    }

    private static ObjectNode steering(JsonNode s) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("image", s.path("image_id").asLong());
        for (String k : List.of("task", "object", "from", "to", "question", "intervention", "unsteered", "steered",
                "why")) {
            if (s.hasNonNull(k)) {
                o.put(k, s.path(k).asText());
            }
        }
        o.put("success", s.path("success").asBoolean());
        o.put("grid", s.path("grid").asInt(0));
        int cls = s.path("cls").asInt(0);
        ArrayNode p = o.putArray("patches");
        // steering records name image-token positions; the grid's patch is the position less the leading CLS
        s.path("patches").forEach(x -> p.add(x.asInt() - cls));
        return o;
    }

    private static Map<String, JsonNode> fields(JsonNode n) {
        Map<String, JsonNode> m = new TreeMap<>();
        n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
        return m;
    }

    /** The JSON lines of a records file; none when it is absent. */
    static List<JsonNode> lines(Optional<Path> file) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        if (file.isEmpty()) {
            return out;
        }
        try (BufferedReader r = Files.newBufferedReader(file.get(), StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    out.add(Json.MAPPER.readTree(line));
                }
            }
        }
        return out;
    }
}
