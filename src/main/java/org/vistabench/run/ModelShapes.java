package org.vistabench.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.eval.TrainProvider;
import org.vistabench.hf.ModelResolver;
import org.vistabench.io.Json;
import org.vistabench.model.lm.LmConfig;
import org.vistabench.model.projector.ProjectorKind;
import org.vistabench.model.sae.SaeLoader;
import org.vistabench.model.vision.VisionConfig;
import org.vistabench.spec.Cell;
import org.vistabench.spec.EncoderSpec;
import org.vistabench.spec.LlmSpec;
import org.vistabench.spec.Spec;
import org.vistabench.spec.TrainSpec;
import org.vistabench.train.MemoryEstimate;
import org.vistabench.world.World;
import org.vistabench.world.WorldBuilder;

/**
 * The shapes of a cell's models ({@link MemoryEstimate.Shapes}) read from small files only: the LM's and encoder's
 * {@code config.json}, the encoder's {@code preprocessor_config.json}, and each SAE's width from the header of its
 * {@code W_enc} (Gemma Scope) or its {@code hyperparams.json} (Llama Scope). Paths resolve as the providers resolve
 * them ({@code world:...} inside the spec's mini world, {@code hf:org/name} in the hub cache, else relative to the
 * spec file).
 */
final class ModelShapes {
    private static final Pattern LAYER_DIR = Pattern.compile("layer_(\\d+)");
    private static final Pattern LLAMA_DIR = Pattern.compile(".*-L(\\d+)R-(\\d+)x");
    private static final Pattern NPY_SHAPE = Pattern.compile("'shape':\\s*\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");

    private final Spec spec;
    private final Function<String, Path> resolve;

    private ModelShapes(Spec spec, Function<String, Path> resolve) {
        this.spec = spec;
        this.resolve = resolve;
    }

    /**
     * @param buildWorld build the spec's world when it is not built yet ({@code run}: it needs it anyway); otherwise a
     *     {@code world:} path of an unbuilt world cannot be read ({@code validate} writes nothing)
     * @param progress   progress bars for that build
     */
    static ModelShapes of(Spec spec, boolean buildWorld, boolean progress) {
        Path specDir = spec.file() == null ? Path.of(".") : spec.file().toAbsolutePath().getParent();
        World[] world = new World[1];
        return new ModelShapes(spec, ref -> {
            if (!ref.startsWith(World.PREFIX)) {
                return ModelResolver.resolve(ref, specDir);
            }
            if (spec.world() == null) {
                throw new VistaException(ExitCodes.USAGE, ref + " needs a world: section");
            }
            if (world[0] == null) {
                Path root = World.locate(spec.world(), null);
                if (!Files.isRegularFile(root.resolve("manifest.json"))) {
                    if (!buildWorld) {
                        throw new VistaException(ExitCodes.USAGE, "the world is not built yet (" + root + ")");
                    }
                    WorldBuilder.Options d = WorldBuilder.Options.defaults();
                    World.ensure(spec.world(), null, new WorldBuilder.Options(d.threads(), d.force(), progress));
                }
                world[0] = World.open(root);
            }
            return world[0].resolve(ref);
        });
    }

    /** The shapes of {@code cell}; throws (any exception) when a file is missing or unreadable. */
    MemoryEstimate.Shapes shapes(Cell cell) {
        TrainSpec t = spec.train();
        LlmSpec l = spec.llm(cell.llm());
        LmConfig lm = LmConfig.read(resolve.apply(l.path()));
        SortedMap<Integer, Integer> widths = l.saes() == null ? new TreeMap<>()
                : saeWidths(resolve.apply(l.saes().path()), l.saes().format());
        List<Integer> constrained = spec.layerSet(cell.saeLayers()).resolve(List.copyOf(widths.keySet()));
        EncoderSpec e = spec.encoder(cell.encoder());
        Path encDir = resolve.apply(e.path());
        VisionConfig v = VisionConfig.read(encDir);
        int grid = imageSide(encDir, v) / v.patchSize();
        int positions = grid * grid + (v.hasCls() ? 1 : 0);
        int imageTokens = "all".equals(e.tokens()) ? positions : grid * grid;
        int evalBatch = t.evalImages() > 0 ? Math.min(t.batch(), t.evalImages()) : t.batch();
        return new MemoryEstimate.Shapes(lm, v, imageTokens, positions, widths, constrained,
                TrainProvider.RANDOM_SAE.equals(cell.control()),
                ProjectorKind.parse(t.projector() == null ? "mlp2x_gelu" : t.projector()), t.batch(), evalBatch);
    }

    /**
     * The side of the square the encoder sees: the centre crop of its {@code preprocessor_config.json} (224 when it
     * has none, as the CLIP and DINOv2 presets), else the resize, else the config's {@code image_size}.
     */
    static int imageSide(Path encDir, VisionConfig v) {
        Path pre = encDir.resolve("preprocessor_config.json");
        if (!Files.isRegularFile(pre)) {
            return 224;
        }
        JsonNode n;
        try {
            n = Json.MAPPER.readTree(pre.toFile());
        } catch (IOException ex) {
            throw new VistaException(ExitCodes.USAGE, pre + ": " + ex.getMessage(), ex);
        }
        if (n.path("do_center_crop").asBoolean(true)) {
            JsonNode crop = n.get("crop_size");
            return crop == null || crop.isNull() ? 224 : crop.isInt() ? crop.asInt() : crop.path("height").asInt(224);
        }
        JsonNode size = n.get("size");
        if (size != null && size.isInt()) {
            return size.asInt();
        }
        if (size != null && size.has("height")) {
            return size.get("height").asInt();
        }
        return size != null && size.has("shortest_edge") ? size.get("shortest_edge").asInt() : v.imageSize();
    }

    /**
     * Layer → SAE width of every layer under an SAE root, as {@code SaeLoader.loadLayers} finds them (Gemma Scope
     * {@code layer_<L>/...params.npz}, Llama Scope {@code *-L<L>R-<k>x/hyperparams.json}); where a layer holds several
     * SAEs, the widest.
     */
    static SortedMap<Integer, Integer> saeWidths(Path root, String format) {
        String f = format == null || "auto".equals(format) ? SaeLoader.detectFormat(root) : format;
        SortedMap<Integer, Integer> out = new TreeMap<>();
        try (Stream<Path> subs = Files.list(root)) {
            for (Path d : subs.filter(Files::isDirectory).sorted().toList()) {
                String name = d.getFileName().toString();
                Matcher g = LAYER_DIR.matcher(name);
                Matcher ll = LLAMA_DIR.matcher(name);
                if (SaeLoader.GEMMA_SCOPE.equals(f) && g.matches()) {
                    try (Stream<Path> files = Files.walk(d, 4)) {
                        for (Path npz : files.filter(p -> p.getFileName().toString().equals("params.npz")).toList()) {
                            out.merge(Integer.parseInt(g.group(1)), npzWidth(npz), Math::max);
                        }
                    }
                } else if (SaeLoader.LLAMA_SCOPE.equals(f) && ll.matches()
                        && Files.isRegularFile(d.resolve("hyperparams.json"))) {
                    int w = Json.MAPPER.readTree(d.resolve("hyperparams.json").toFile()).path("d_sae").asInt();
                    out.merge(Integer.parseInt(ll.group(1)), w, Math::max);
                }
            }
        } catch (IOException e) {
            throw new VistaException(ExitCodes.USAGE, root + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** d_sae from the {@code .npy} header of {@code W_enc [d_model, d_sae]} in a Gemma Scope {@code params.npz}. */
    static int npzWidth(Path npz) throws IOException {
        try (ZipFile zip = new ZipFile(npz.toFile())) {
            ZipEntry e = zip.getEntry("W_enc.npy");
            e = e != null ? e : zip.getEntry("w_enc.npy");
            if (e == null) {
                throw new IOException(npz + ": no W_enc");
            }
            try (InputStream in = zip.getInputStream(e)) {
                String header = new String(in.readNBytes(1024), StandardCharsets.ISO_8859_1);
                Matcher m = NPY_SHAPE.matcher(header);
                if (!m.find()) {
                    throw new IOException(npz + ": W_enc has no 2-d shape in its header");
                }
                return Integer.parseInt(m.group(2));
            }
        }
    }
}
