package org.vistabench.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.io.Json;

/**
 * A COCO-format dataset: an image folder, an instances json (bbox + polygon or RLE segmentation), optionally a
 * captions json and a question file. Read eagerly (streamed, see {@link #load}) and validated: a dangling image id,
 * an unknown category or a missing image file is an error that names the file and the id. Lists keep the files'
 * order.
 */
public final class CocoDataset {
    private final Path imagesDir;
    private final List<CocoImage> images;
    private final Map<Long, CocoImage> imageById;
    private final Map<Integer, CocoCategory> categories;
    private final Map<Long, List<CocoAnnotation>> annotations;
    private final Map<Long, List<String>> captions;
    private final Map<Long, List<CocoQuestion>> questions;

    private CocoDataset(Path imagesDir, List<CocoImage> images, Map<Integer, CocoCategory> categories,
                        Map<Long, List<CocoAnnotation>> annotations, Map<Long, List<String>> captions,
                        Map<Long, List<CocoQuestion>> questions) {
        this.imagesDir = imagesDir;
        this.images = List.copyOf(images);
        Map<Long, CocoImage> byId = new LinkedHashMap<>();
        for (CocoImage im : images) {
            byId.put(im.id(), im);
        }
        this.imageById = byId;
        this.categories = categories;
        this.annotations = annotations;
        this.captions = captions;
        this.questions = questions;
    }

    /**
     * Reads the files with Jackson's streaming parser: the {@code images}, {@code categories}, {@code annotations}
     * (and captions' and questions' {@code annotations}/{@code questions}) lists are read one element at a time, so
     * no tree of a whole file is built (train2017's instances json is ~450 MB). Held in memory afterwards: per image
     * its id, file name and size; per annotation its ids, bbox, area, crowd flag, attributes and its polygons (as
     * {@code double[]}) or RLE counts; every caption and question. For train2017 that is an estimated 1–2 GB of heap
     * (not measured).
     *
     * @param captionsJson may be null (no captions)
     * @param questionsJson may be null (no questions)
     */
    public static CocoDataset load(Path imagesDir, Path instancesJson, Path captionsJson, Path questionsJson) {
        List<CocoImage> images = new ArrayList<>();
        Map<Long, CocoImage> byId = new LinkedHashMap<>();
        Map<Integer, CocoCategory> cats = new TreeMap<>();
        List<CocoAnnotation> parsed = new ArrayList<>();
        JsonNode inst = stream(instancesJson, Map.of(
                "images", im -> {
                    CocoImage ci = new CocoImage(im.path("id").asLong(), text(im, "file_name", instancesJson),
                            im.path("width").asInt(), im.path("height").asInt());
                    images.add(ci);
                    byId.put(ci.id(), ci);
                },
                "categories", c -> cats.put(c.path("id").asInt(), new CocoCategory(c.path("id").asInt(),
                        text(c, "name", instancesJson), c.path("supercategory").asText(""))),
                "annotations", a -> parsed.add(annotation(a))));
        array(inst, "images", instancesJson);
        array(inst, "categories", instancesJson);
        array(inst, "annotations", instancesJson);
        // Checked after reading: COCO files list categories after annotations.
        Map<Long, List<CocoAnnotation>> anns = new LinkedHashMap<>();
        for (CocoAnnotation a : parsed) {
            if (!byId.containsKey(a.imageId())) {
                throw new VistaException(ExitCodes.USAGE, instancesJson + ": annotation " + a.id()
                        + ": image_id " + a.imageId() + " is not in images");
            }
            if (!cats.containsKey(a.categoryId())) {
                throw new VistaException(ExitCodes.USAGE, instancesJson + ": annotation " + a.id()
                        + ": category_id " + a.categoryId() + " is not in categories");
            }
            anns.computeIfAbsent(a.imageId(), k -> new ArrayList<>()).add(a);
        }
        Map<Long, List<String>> caps = new LinkedHashMap<>();
        if (captionsJson != null) {
            JsonNode c = stream(captionsJson, Map.of("annotations", a -> {
                long imageId = a.path("image_id").asLong();
                if (!byId.containsKey(imageId)) {
                    throw new VistaException(ExitCodes.USAGE, captionsJson + ": caption " + a.path("id").asLong()
                            + ": image_id " + imageId + " is not in " + instancesJson.getFileName());
                }
                caps.computeIfAbsent(imageId, k -> new ArrayList<>()).add(text(a, "caption", captionsJson));
            }));
            array(c, "annotations", captionsJson);
        }
        Map<Long, List<CocoQuestion>> qs = new LinkedHashMap<>();
        if (questionsJson != null) {
            JsonNode q = stream(questionsJson, Map.of("questions", a -> {
                long imageId = a.path("image_id").asLong();
                if (!byId.containsKey(imageId)) {
                    throw new VistaException(ExitCodes.USAGE, questionsJson + ": question " + a.path("id").asLong()
                            + ": image_id " + imageId + " is not in " + instancesJson.getFileName());
                }
                qs.computeIfAbsent(imageId, k -> new ArrayList<>()).add(new CocoQuestion(a.path("id").asLong(),
                        imageId, a.path("type").asText(""), text(a, "question", questionsJson),
                        text(a, "answer", questionsJson)));
            }));
            array(q, "questions", questionsJson);
        }
        return new CocoDataset(imagesDir, images, cats, anns, caps, qs);
    }

    private static CocoAnnotation annotation(JsonNode a) {
        long imageId = a.path("image_id").asLong();
        int cat = a.path("category_id").asInt();
        double[] bbox = new double[4];
        for (int i = 0; i < 4; i++) {
            bbox[i] = a.path("bbox").path(i).asDouble();
        }
        List<double[]> polys = null;
        Rle rle = null;
        JsonNode seg = a.path("segmentation");
        if (seg.isArray()) {
            polys = new ArrayList<>();
            for (JsonNode p : seg) {
                double[] xy = new double[p.size()];
                for (int i = 0; i < xy.length; i++) {
                    xy[i] = p.get(i).asDouble();
                }
                polys.add(xy);
            }
        } else if (seg.isObject()) {
            int h = seg.path("size").path(0).asInt();
            int w = seg.path("size").path(1).asInt();
            JsonNode counts = seg.path("counts");
            if (counts.isTextual()) {
                rle = Rle.fromCompressed(counts.asText(), h, w);
            } else {
                int[] c = new int[counts.size()];
                for (int i = 0; i < c.length; i++) {
                    c[i] = counts.get(i).asInt();
                }
                rle = new Rle(h, w, c);
            }
        }
        Map<String, String> attrs = new TreeMap<>();
        JsonNode at = a.path("attributes");
        for (Iterator<Map.Entry<String, JsonNode>> it = at.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            attrs.put(e.getKey(), e.getValue().asText());
        }
        return new CocoAnnotation(a.path("id").asLong(), imageId, cat, bbox, a.path("area").asDouble(),
                a.path("iscrowd").asInt(), polys, rle, Collections.unmodifiableMap(attrs));
    }

    /**
     * The file's top-level object with the lists named in {@code each} fed to their handler one element (a small
     * tree) at a time and left empty in the returned object; other values are kept whole. A top level that is not
     * an object is returned as read.
     */
    private static JsonNode stream(Path file, Map<String, java.util.function.Consumer<JsonNode>> each) {
        try (JsonParser p = Json.MAPPER.getFactory().createParser(file.toFile())) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                JsonNode whole = t == null ? Json.MAPPER.missingNode() : Json.MAPPER.readTree(p);
                if (p.nextToken() != null) {
                    throw new VistaException(ExitCodes.USAGE, file + ": cannot read COCO json: trailing content"
                            + " after the top-level value");
                }
                return whole == null ? Json.MAPPER.missingNode() : whole;
            }
            ObjectNode root = Json.MAPPER.createObjectNode();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                java.util.function.Consumer<JsonNode> handler = each.get(key);
                if (handler != null && v == JsonToken.START_ARRAY) {
                    root.putArray(key);
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        handler.accept(Json.MAPPER.readTree(p));
                    }
                } else {
                    root.set(key, Json.MAPPER.readTree(p));
                }
            }
            if (p.nextToken() != null) {
                throw new VistaException(ExitCodes.USAGE, file + ": cannot read COCO json: trailing content after"
                        + " the top-level object");
            }
            return root;
        } catch (IOException e) {
            throw new VistaException(ExitCodes.USAGE, file + ": cannot read COCO json: " + Json.why(e), e);
        }
    }

    private static JsonNode array(JsonNode root, String key, Path file) {
        JsonNode n = root.path(key);
        if (!n.isArray()) {
            throw new VistaException(ExitCodes.USAGE, file + ": key '" + key + "': expected a list, found "
                    + (n.isMissingNode() ? "nothing" : n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)));
        }
        return n;
    }

    private static String text(JsonNode n, String key, Path file) {
        JsonNode v = n.path(key);
        if (!v.isTextual()) {
            throw new VistaException(ExitCodes.USAGE, file + ": key '" + key + "': expected a string in " + n);
        }
        return v.asText();
    }

    public List<CocoImage> images() {
        return images;
    }

    public Optional<CocoImage> image(long id) {
        return Optional.ofNullable(imageById.get(id));
    }

    public List<CocoCategory> categories() {
        return List.copyOf(categories.values());
    }

    public CocoCategory category(int id) {
        CocoCategory c = categories.get(id);
        if (c == null) {
            throw new IllegalArgumentException("no category id " + id);
        }
        return c;
    }

    public List<CocoAnnotation> annotations(long imageId) {
        return annotations.getOrDefault(imageId, List.of());
    }

    /** The names of the categories an image's annotations carry, sorted. */
    public java.util.SortedSet<String> categoryNames(long imageId) {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        for (CocoAnnotation a : annotations(imageId)) {
            out.add(category(a.categoryId()).name());
        }
        return out;
    }

    public List<String> captions(long imageId) {
        return captions.getOrDefault(imageId, List.of());
    }

    public List<CocoQuestion> questions(long imageId) {
        return questions.getOrDefault(imageId, List.of());
    }

    public Path imagePath(long imageId) {
        return imagesDir.resolve(require(imageId).fileName());
    }

    public BufferedImage readImage(long imageId) {
        Path p = imagePath(imageId);
        try {
            BufferedImage img = ImageIO.read(p.toFile());
            if (img == null) {
                throw new VistaException(ExitCodes.USAGE, p + ": not a readable image");
            }
            return img;
        } catch (IOException e) {
            throw new VistaException(ExitCodes.USAGE, p + ": cannot read image of image id " + imageId + ": "
                    + e.getMessage(), e);
        }
    }

    private CocoImage require(long imageId) {
        CocoImage im = imageById.get(imageId);
        if (im == null) {
            throw new IllegalArgumentException("no image id " + imageId);
        }
        return im;
    }

    /** The annotation's mask, row-major {@code [height * width]} of its image (RLE decoded or polygons filled). */
    public boolean[] mask(CocoAnnotation a) {
        CocoImage im = require(a.imageId());
        if (a.rle() != null) {
            return a.rle().decode();
        }
        BufferedImage canvas = new BufferedImage(im.width(), im.height(), BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = canvas.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
        g.setColor(Color.WHITE);
        for (double[] xy : a.polygons() == null ? List.<double[]>of() : a.polygons()) {
            Path2D p = new Path2D.Double();
            for (int i = 0; i + 1 < xy.length; i += 2) {
                if (i == 0) {
                    p.moveTo(xy[i], xy[i + 1]);
                } else {
                    p.lineTo(xy[i], xy[i + 1]);
                }
            }
            p.closePath();
            g.fill(p);
        }
        g.dispose();
        boolean[] m = new boolean[im.width() * im.height()];
        byte[] px = ((java.awt.image.DataBufferByte) canvas.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < m.length; i++) {
            m[i] = px[i] != 0;
        }
        return m;
    }

    /**
     * Per patch of a {@code cols x rows} grid over the image (raster order), the index into {@link #annotations}
     * of the instance covering most of the patch, if it covers at least {@code minCover} of it; else -1.
     */
    public int[] patchObjects(long imageId, int cols, int rows, double minCover) {
        CocoImage im = require(imageId);
        List<CocoAnnotation> anns = annotations(imageId);
        int[] area = onPatches(null, im, cols, rows);
        int[][] count = new int[anns.size()][];
        for (int k = 0; k < anns.size(); k++) {
            count[k] = onPatches(mask(anns.get(k)), im, cols, rows);
        }
        int[] out = new int[cols * rows];
        for (int p = 0; p < out.length; p++) {
            int best = -1;
            for (int k = 0; k < anns.size(); k++) {
                if (count[k][p] >= minCover * area[p] && count[k][p] > 0 && (best < 0 || count[k][p] > count[best][p])) {
                    best = k;
                }
            }
            out[p] = best;
        }
        return out;
    }

    /**
     * Per category present in the image (by name), its mask on a {@code cols x rows} grid laid uniformly over the
     * image: a patch is in when the union of the category's instances covers at least {@code minCover} of its pixels
     * (and at least one). Categories in name order.
     */
    public java.util.SortedMap<String, boolean[]> categoryPatchMasks(long imageId, int cols, int rows, double minCover) {
        CocoImage im = require(imageId);
        return categoryPatchMasks(imageId, cols, rows, minCover, 0, 0, im.width(), im.height());
    }

    /**
     * As {@link #categoryPatchMasks(long, int, int, double)}, with the grid laid over the region {@code [x0, x0 + w)
     * × [y0, y0 + h)} of the image instead of the whole image (the part an encoder sees after a crop); pixels outside
     * the region are not counted.
     */
    public java.util.SortedMap<String, boolean[]> categoryPatchMasks(long imageId, int cols, int rows, double minCover,
                                                                     int x0, int y0, int w, int h) {
        CocoImage im = require(imageId);
        if (x0 < 0 || y0 < 0 || w <= 0 || h <= 0 || x0 + w > im.width() || y0 + h > im.height()) {
            throw new IllegalArgumentException("region " + x0 + "," + y0 + " " + w + "x" + h + " is not inside image "
                    + imageId + " (" + im.width() + "x" + im.height() + ")");
        }
        return categoryPatchMasks(imageId, cols, rows, minCover, x0, y0, w, h, new int[] {x0, y0, w, h});
    }

    /**
     * As the region overload, for a grid region that may reach beyond the pixels the encoder gets: only the pixels
     * inside {@code seen = {x, y, w, h}} (a rectangle of the image) can be covered; grid pixels outside it (a
     * padded crop's zero border, or outside the image) still count towards their patch's area. With
     * {@code seen} = the region this is exactly the region overload.
     */
    public java.util.SortedMap<String, boolean[]> categoryPatchMasks(long imageId, int cols, int rows, double minCover,
                                                                     int x0, int y0, int w, int h, int[] seen) {
        CocoImage im = require(imageId);
        if (w <= 0 || h <= 0 || seen.length != 4 || seen[0] < 0 || seen[1] < 0 || seen[2] <= 0 || seen[3] <= 0
                || seen[0] + seen[2] > im.width() || seen[1] + seen[3] > im.height()) {
            throw new IllegalArgumentException("region " + x0 + "," + y0 + " " + w + "x" + h + " seeing "
                    + java.util.Arrays.toString(seen) + " does not fit image " + imageId + " (" + im.width() + "x"
                    + im.height() + ")");
        }
        java.util.SortedMap<String, boolean[]> pixels = new java.util.TreeMap<>();
        for (CocoAnnotation a : annotations(imageId)) {
            boolean[] m = mask(a);
            boolean[] u = pixels.computeIfAbsent(category(a.categoryId()).name(),
                    k -> new boolean[im.width() * im.height()]);
            for (int i = 0; i < m.length; i++) {
                u[i] |= m[i];
            }
        }
        int[] area = onPatches(null, im.width(), cols, rows, x0, y0, w, h, seen);
        java.util.SortedMap<String, boolean[]> out = new java.util.TreeMap<>();
        pixels.forEach((cat, m) -> {
            int[] covered = onPatches(m, im.width(), cols, rows, x0, y0, w, h, seen);
            boolean[] in = new boolean[cols * rows];
            for (int p = 0; p < in.length; p++) {
                in[p] = covered[p] > 0 && covered[p] >= minCover * area[p];
            }
            out.put(cat, in);
        });
        return out;
    }

    /** Pixels of {@code mask} (null: every pixel) on each patch of a {@code cols x rows} grid over the image. */
    private static int[] onPatches(boolean[] mask, CocoImage im, int cols, int rows) {
        return onPatches(mask, im.width(), cols, rows, 0, 0, im.width(), im.height());
    }

    /** The same where only pixels inside {@code seen = {x, y, w, h}} can be in {@code mask} (every pixel is area). */
    private static int[] onPatches(boolean[] mask, int stride, int cols, int rows, int x0, int y0, int w, int h,
                                   int[] seen) {
        if (seen[0] <= x0 && seen[1] <= y0 && x0 + w <= seen[0] + seen[2] && y0 + h <= seen[1] + seen[3]) {
            return onPatches(mask, stride, cols, rows, x0, y0, w, h);
        }
        int[] out = new int[cols * rows];
        for (int y = 0; y < h; y++) {
            int gy = y0 + y;
            boolean rowSeen = gy >= seen[1] && gy < seen[1] + seen[3];
            for (int x = 0; x < w; x++) {
                int gx = x0 + x;
                boolean in = mask == null || rowSeen && gx >= seen[0] && gx < seen[0] + seen[2]
                        && mask[gy * stride + gx];
                if (in) {
                    out[(y * rows / h) * cols + x * cols / w]++;
                }
            }
        }
        return out;
    }

    /** The same over the region {@code [x0, x0 + w) × [y0, y0 + h)} of an image {@code stride} pixels wide. */
    private static int[] onPatches(boolean[] mask, int stride, int cols, int rows, int x0, int y0, int w, int h) {
        int[] out = new int[cols * rows];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (mask == null || mask[(y0 + y) * stride + x0 + x]) {
                    out[(y * rows / h) * cols + x * cols / w]++;
                }
            }
        }
        return out;
    }
}
