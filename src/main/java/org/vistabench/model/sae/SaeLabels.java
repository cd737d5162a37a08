package org.vistabench.model.sae;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.io.Json;

/**
 * Latent labels of one SAE, read from
 * <ul>
 *   <li>Neuronpedia explanation rows ({@code {"id", "modelId", "layer", "index": "<string>", "description", ...}}),
 *       as a JSON array or JSONL, gzipped or not (detected from the bytes, not the name), or a folder of the bulk
 *       export's {@code batch-<N>.jsonl.gz} files read in batch order; or</li>
 *   <li>our mini world's labels JSON: one object mapping index → {@code {description, top_tokens, density}}.</li>
 * </ul>
 * Neuronpedia often has several explanations per latent (different explainers / typeName). We keep the <b>first
 * row by file order</b> that has a non-blank description and count the rest as dropped: the export is ordered by
 * index and carries no ranking, so file order is the only deterministic rule that needs no policy about explainers.
 * Rows from more than one source ({@code modelId/layer}) in one input are refused unless a source is named.
 */
public final class SaeLabels {
    /** One latent's label; {@code topTokens} empty and {@code density} NaN when the source has none. */
    public record Label(int index, String description, List<String> topTokens, double density) {
        public Label {
            topTokens = List.copyOf(topTokens);
        }
    }

    private static final Pattern BATCH = Pattern.compile("\\D*(\\d+)\\D*");

    private final Path source;
    private final SortedMap<Integer, Label> labels;
    private final int dropped;

    private SaeLabels(Path source, SortedMap<Integer, Label> labels, int dropped) {
        this.source = source;
        this.labels = Collections.unmodifiableSortedMap(labels);
        this.dropped = dropped;
    }

    /** Reads every row; input holding rows of several Neuronpedia sources → exit 3 naming them. */
    public static SaeLabels read(Path fileOrFolder) {
        return read(fileOrFolder, null);
    }

    /**
     * Reads the rows of one Neuronpedia source.
     *
     * @param source {@code "<modelId>/<layer>"} (e.g. {@code gemma-2-2b/20-gemmascope-res-16k}) or just the
     *     {@code layer} field; null: all rows, which must then come from one source
     */
    public static SaeLabels read(Path fileOrFolder, String source) {
        List<Path> files = files(fileOrFolder);
        TreeMap<Integer, Label> out = new TreeMap<>();
        TreeSet<String> sources = new TreeSet<>();
        int dropped = 0;
        for (Path f : files) {
            for (Row r : rows(f)) {
                if (r.source != null) {
                    if (source != null && !source.equals(r.source) && !source.equals(r.layer)) {
                        continue;
                    }
                    sources.add(r.source);
                }
                if (r.label.description().isBlank() || out.containsKey(r.label.index())) {
                    dropped++;
                    continue;
                }
                out.put(r.label.index(), r.label);
            }
        }
        if (sources.size() > 1) {
            throw new VistaException(ExitCodes.CELL_FAILED, fileOrFolder + ": labels from several Neuronpedia sources "
                    + sources + "; name one (modelId/layer)");
        }
        if (source != null && out.isEmpty()) {
            throw new VistaException(ExitCodes.CELL_FAILED, fileOrFolder + ": no label rows for source '" + source
                    + "'");
        }
        return new SaeLabels(fileOrFolder, out, dropped);
    }

    /** The {@code <layer>-...} prefix of a Neuronpedia source id ({@code 20-gemmascope-res-16k} → 20). */
    private static final Pattern SOURCE_LAYER = Pattern.compile("(\\d+)(-.*)?");

    /**
     * The labels of each of {@code layers} from one spec {@code labels:} path, read once:
     * <ul>
     *   <li>a Neuronpedia export tree ({@code exports/<modelId>/}): one {@code <layer>-<source>/} folder per SAE, its
     *       {@code explanations/} batches read as {@link #read(Path)};</li>
     *   <li>else a file or a folder of batch files whose rows name their source ({@code layer}
     *       {@code "20-gemmascope-res-16k"}): rows are split by the layer number their source starts with;</li>
     *   <li>rows with no source (our mini world's map) only for a single layer.</li>
     * </ul>
     * A layer with no rows is absent from the result. Several sources for one layer (e.g. widths 16k and 65k in one
     * file) → exit 3 naming them.
     */
    public static SortedMap<Integer, SaeLabels> byLayer(Path fileOrFolder, java.util.Collection<Integer> layers) {
        SortedMap<Integer, SaeLabels> out = new TreeMap<>();
        Map<Integer, List<Path>> tree = exportTree(fileOrFolder);
        if (!tree.isEmpty()) {
            for (int layer : new TreeSet<>(layers)) {
                List<Path> dirs = tree.getOrDefault(layer, List.of());
                if (dirs.size() > 1) {
                    throw new VistaException(ExitCodes.CELL_FAILED, fileOrFolder + ": several label sources for layer "
                            + layer + " " + dirs.stream().map(d -> d.getFileName().toString()).toList()
                            + "; name one folder with {layer} in saes.labels");
                }
                if (dirs.size() == 1) {
                    Path d = dirs.get(0);
                    out.put(layer, read(Files.isDirectory(d.resolve("explanations")) ? d.resolve("explanations") : d));
                }
            }
            return out;
        }
        Map<Integer, TreeMap<Integer, Label>> labels = new TreeMap<>();
        Map<Integer, TreeSet<String>> sources = new TreeMap<>();
        Map<Integer, Integer> dropped = new TreeMap<>();
        boolean anySource = false;
        boolean anyPlain = false;
        for (Path f : files(fileOrFolder)) {
            for (Row r : rows(f)) {
                Integer layer = null;
                if (r.source == null) {
                    anyPlain = true;
                    if (layers.size() == 1) {
                        layer = layers.iterator().next();
                    }
                } else {
                    anySource = true;
                    Matcher m = r.layer == null ? null : SOURCE_LAYER.matcher(r.layer);
                    layer = m != null && m.matches() ? Integer.valueOf(m.group(1)) : null;
                }
                if (layer == null || !layers.contains(layer)) {
                    continue;
                }
                if (r.source != null) {
                    sources.computeIfAbsent(layer, k -> new TreeSet<>()).add(r.source);
                }
                TreeMap<Integer, Label> l = labels.computeIfAbsent(layer, k -> new TreeMap<>());
                if (r.label.description().isBlank() || l.containsKey(r.label.index())) {
                    dropped.merge(layer, 1, Integer::sum);
                } else {
                    l.put(r.label.index(), r.label);
                }
            }
        }
        if (anyPlain && !anySource && layers.size() > 1) {
            throw new VistaException(ExitCodes.CELL_FAILED, fileOrFolder + ": labels without a Neuronpedia source"
                    + " (no modelId/layer) cannot be split among " + layers.size() + " SAE layers; put {layer} in"
                    + " saes.labels (one file per layer)");
        }
        for (var e : sources.entrySet()) {
            if (e.getValue().size() > 1) {
                throw new VistaException(ExitCodes.CELL_FAILED, fileOrFolder + ": labels from several Neuronpedia"
                        + " sources for layer " + e.getKey() + " " + e.getValue() + "; keep one source per layer");
            }
        }
        labels.forEach((layer, l) -> out.put(layer, new SaeLabels(fileOrFolder, l, dropped.getOrDefault(layer, 0))));
        return out;
    }

    /**
     * The per-layer folders of a Neuronpedia export tree ({@code <layer>-<source>/}), by layer; empty when
     * {@code p} is not a folder holding such sub-folders.
     */
    public static SortedMap<Integer, List<Path>> exportTree(Path p) {
        SortedMap<Integer, List<Path>> out = new TreeMap<>();
        if (!Files.isDirectory(p)) {
            return out;
        }
        try (Stream<Path> s = Files.list(p)) {
            for (Path d : s.filter(Files::isDirectory).sorted().toList()) {
                Matcher m = SOURCE_LAYER.matcher(d.getFileName().toString());
                if (m.matches() && m.group(2) != null) {
                    out.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new ArrayList<>()).add(d);
                }
            }
        } catch (IOException e) {
            throw new VistaException(ExitCodes.CELL_FAILED, p + ": cannot list: " + e.getMessage());
        }
        return out;
    }

    public Path source() {
        return source;
    }

    /** The description of latent {@code index}, if it has one. */
    public Optional<String> label(int index) {
        Label l = labels.get(index);
        return l == null ? Optional.empty() : Optional.of(l.description());
    }

    public Optional<Label> entry(int index) {
        return Optional.ofNullable(labels.get(index));
    }

    /** Every labelled latent, ascending by index. */
    public SortedMap<Integer, Label> all() {
        return labels;
    }

    public int size() {
        return labels.size();
    }

    /** Rows not kept: later explanations of an already labelled latent, and blank descriptions. */
    public int dropped() {
        return dropped;
    }

    private record Row(Label label, String source, String layer) {
    }

    private static List<Path> files(Path p) {
        if (Files.isRegularFile(p)) {
            return List.of(p);
        }
        if (!Files.isDirectory(p)) {
            throw new VistaException(ExitCodes.CELL_FAILED, p + ": SAE labels file not found");
        }
        List<Path> fs;
        try (Stream<Path> s = Files.list(p)) {
            fs = s.filter(Files::isRegularFile).filter(f -> {
                String n = f.getFileName().toString();
                return n.endsWith(".json") || n.endsWith(".jsonl") || n.endsWith(".json.gz") || n.endsWith(".jsonl.gz");
            }).sorted(Comparator.comparingLong(SaeLabels::batchNumber).thenComparing(Path::toString)).toList();
        } catch (IOException e) {
            throw new VistaException(ExitCodes.CELL_FAILED, p + ": cannot list: " + e.getMessage());
        }
        if (fs.isEmpty()) {
            throw new VistaException(ExitCodes.CELL_FAILED, p + ": no *.json, *.jsonl(.gz) label files");
        }
        return fs;
    }

    /** batch-10 after batch-9 (the export's numbering), not by string order. */
    private static long batchNumber(Path f) {
        Matcher m = BATCH.matcher(f.getFileName().toString().replaceAll("\\.(jsonl|json)(\\.gz)?$", ""));
        return m.matches() ? Long.parseLong(m.group(1)) : Long.MAX_VALUE;
    }

    private static byte[] bytes(Path f) {
        try {
            byte[] b = Files.readAllBytes(f);
            if (b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b) {
                try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
                    return in.readAllBytes();
                }
            }
            return b;
        } catch (IOException e) {
            throw new VistaException(ExitCodes.CELL_FAILED, f + ": cannot read labels: " + e.getMessage());
        }
    }

    private static List<Row> rows(Path f) {
        byte[] b = bytes(f);
        List<JsonNode> values = new ArrayList<>();
        try (MappingIterator<JsonNode> it = Json.MAPPER.readerFor(JsonNode.class)
                .readValues(new String(b, StandardCharsets.UTF_8))) {
            while (it.hasNextValue()) {
                values.add(it.nextValue());
            }
        } catch (JsonProcessingException | RuntimeException e) {
            throw new VistaException(ExitCodes.CELL_FAILED, f + ": not valid JSON/JSONL labels (value "
                    + (values.size() + 1) + "): " + Json.why(e).replaceAll("\\s+", " ").trim());
        } catch (IOException e) {
            throw new VistaException(ExitCodes.CELL_FAILED, f + ": cannot read labels: " + e.getMessage());
        }
        List<Row> out = new ArrayList<>();
        if (values.size() == 1 && values.get(0).isArray()) {
            int i = 0;
            for (JsonNode row : values.get(0)) {
                out.add(neuronpediaRow(f, "element " + i++, row));
            }
        } else if (values.size() == 1 && values.get(0).isObject() && !values.get(0).has("index")) {
            worldMap(f, values.get(0), out);
        } else {
            for (int i = 0; i < values.size(); i++) {
                out.add(neuronpediaRow(f, "line " + (i + 1), values.get(i)));
            }
        }
        return out;
    }

    private static Row neuronpediaRow(Path f, String where, JsonNode row) {
        if (row == null || !row.isObject()) {
            throw new VistaException(ExitCodes.CELL_FAILED, f + ": " + where + " is not an explanation object");
        }
        int index = parseIndex(f, where, row.get("index"));
        JsonNode d = row.get("description");
        String desc = d == null || d.isNull() ? "" : d.asText().trim();
        String model = text(row.get("modelId"));
        String layer = text(row.get("layer"));
        String src = model == null && layer == null ? null : (model == null ? "" : model) + "/" + (layer == null ? "" : layer);
        return new Row(new Label(index, desc, List.of(), Double.NaN), src, layer);
    }

    private static void worldMap(Path f, JsonNode map, List<Row> out) {
        var it = map.fields();
        while (it.hasNext()) {
            var e = it.next();
            String where = "key '" + e.getKey() + "'";
            int index = parseIndex(f, where, new com.fasterxml.jackson.databind.node.TextNode(e.getKey()));
            JsonNode v = e.getValue();
            String desc;
            List<String> tokens = new ArrayList<>();
            double density = Double.NaN;
            if (v.isTextual()) {
                desc = v.asText().trim();
            } else if (v.isObject()) {
                JsonNode d = v.get("description");
                if (d == null || !d.isTextual()) {
                    throw new VistaException(ExitCodes.CELL_FAILED, f + ": " + where
                            + " has no string 'description'");
                }
                desc = d.asText().trim();
                JsonNode t = v.get("top_tokens");
                if (t != null && t.isArray()) {
                    t.forEach(x -> tokens.add(x.asText()));
                }
                JsonNode dn = v.get("density");
                if (dn != null && dn.isNumber()) {
                    density = dn.asDouble();
                }
            } else {
                throw new VistaException(ExitCodes.CELL_FAILED, f + ": " + where
                        + " must map to {description, top_tokens, density}");
            }
            out.add(new Row(new Label(index, desc, tokens, density), null, null));
        }
    }

    private static int parseIndex(Path f, String where, JsonNode v) {
        if (v == null || v.isNull()) {
            throw new VistaException(ExitCodes.CELL_FAILED, f + ": " + where + " has no 'index'");
        }
        String s = v.asText().trim();
        try {
            int i = Integer.parseInt(s);
            if (i < 0) {
                throw new NumberFormatException();
            }
            return i;
        } catch (NumberFormatException e) {
            throw new VistaException(ExitCodes.CELL_FAILED, f + ": " + where + " has index '" + s
                    + "', expected a latent number ≥ 0");
        }
    }

    private static String text(JsonNode v) {
        return v == null || v.isNull() ? null : v.asText();
    }
}
