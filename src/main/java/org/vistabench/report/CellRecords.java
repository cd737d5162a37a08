package org.vistabench.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.vistabench.io.Json;
import org.vistabench.results.RecordFiles;

/**
 * The per-image records a cell writes, as the figures read them, and the run's held-out images
 * ({@code RESULTS/images/<id>.png}). Records written before the grid and activation maps were added read with
 * {@code grid = 0} and no map: figures skip them. An unreadable line is skipped, never fatal.
 */
final class CellRecords {

    private CellRecords() {
    }

    /**
     * A {@code localization.jsonl} record: a matched (latent, object category) at an image and layer.
     *
     * @param map  the latent's activation per patch, row-major over {@code grid × grid}; null when not recorded
     * @param mask the category's patch mask, {@code '1'} = in, same order
     */
    record Localization(long imageId, int layer, String category, int latent, double hit, double chance,
                        double auroc, int grid, float[] map, String mask) {
        boolean drawable() {
            return grid > 0 && map != null && map.length == grid * grid && mask.length() == grid * grid;
        }
    }

    /**
     * A {@code steering.jsonl} record: one sample of a task under one intervention.
     *
     * @param patches edited image-token positions; the patch index is {@code position − cls}
     */
    record Steering(long imageId, String task, String object, String from, String to, String question,
                    String intervention, List<Integer> patches, int grid, int cls, String unsteered, String steered,
                    boolean success, String why) {
        boolean drawable() {
            return grid > 0;
        }

        /** The edited patches as a mask over the grid. */
        boolean[] edited() {
            boolean[] m = new boolean[grid * grid];
            for (int p : patches) {
                int i = p - cls;
                if (i >= 0 && i < m.length) {
                    m[i] = true;
                }
            }
            return m;
        }
    }

    static List<Localization> localization(Path file) throws IOException {
        return read(file, n -> new Localization(n.path("image_id").asLong(), n.path("layer").asInt(),
                n.path("category").asText(""), n.path("latent").asInt(), n.path("hit").asDouble(Double.NaN),
                n.path("chance").asDouble(Double.NaN), n.path("auroc").asDouble(Double.NaN), n.path("grid").asInt(0),
                floats(n.get("map")), n.path("mask").asText("")));
    }

    static List<Steering> steering(Path file) throws IOException {
        return read(file, n -> {
            List<Integer> patches = new ArrayList<>();
            n.path("patches").forEach(p -> patches.add(p.asInt()));
            return new Steering(n.path("image_id").asLong(), n.path("task").asText(""), n.path("object").asText(""),
                    n.path("from").asText(""), text(n.get("to"), null), text(n.get("question"), ""),
                    n.path("intervention").asText(""), patches, n.path("grid").asInt(0), n.path("cls").asInt(0),
                    n.path("unsteered").asText(""), n.path("steered").asText(""), n.path("success").asBoolean(),
                    n.path("why").asText(""));
        });
    }

    /** The run's copy of a held-out image, if the folder has it and it decodes. */
    static Optional<BufferedImage> image(Path results, long id) {
        Path f = RecordFiles.image(results, id);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(ImageIO.read(f.toFile()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static <T> List<T> read(Path file, Function<JsonNode, T> parse) throws IOException {
        List<T> out = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(parse.apply(Json.MAPPER.readTree(line)));
                } catch (IOException | RuntimeException e) {
                    // a torn or foreign line: the figure shows the others
                }
            }
        }
        return out;
    }

    private static String text(JsonNode n, String absent) {
        return n == null || n.isNull() ? absent : n.asText();
    }

    private static float[] floats(JsonNode n) {
        if (n == null || !n.isArray()) {
            return null;
        }
        float[] f = new float[n.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) n.get(i).asDouble(Double.NaN);
        }
        return f;
    }
}
