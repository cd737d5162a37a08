package org.vistabench.world;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.data.CocoDataset;
import org.vistabench.io.Json;
import org.vistabench.spec.WorldSpec;
import org.vistabench.world.encoders.EncoderStage;
import org.vistabench.world.scene.Lexicon;

/**
 * A built mini world: a folder with {@code manifest.json}, {@code data/}, {@code lm/}, {@code saes/} and
 * {@code encoders/}. {@link #ensure} builds what is missing or stale (verifying every file's sha256) and returns it.
 */
public final class World {
    public static final long DEFAULT_SEED = 17;
    public static final String PREFIX = "world:";
    private static final List<String> TOP_LEVEL = List.of("lm", "saes", "encoders", "data");

    private final Path root;
    private final Lexicon lexicon = Lexicon.mini();
    private final Map<String, CocoDataset> datasets = new TreeMap<>();
    private Map<Long, List<String>> grids;

    private World(Path root) {
        this.root = root;
    }

    /** Builds or verifies the world a spec asks for under {@code cacheRoot} (null: the spec's cache, else the default). */
    public static World ensure(WorldSpec spec, Path cacheRoot) {
        return ensure(spec, cacheRoot, WorldBuilder.Options.defaults());
    }

    public static World ensure(WorldSpec spec, Path cacheRoot, WorldBuilder.Options options) {
        return new World(WorldBuilder.ensure(settings(spec), cache(spec, cacheRoot), options));
    }

    /** The folder {@link #ensure} builds or finds for {@code spec}, without building or checking anything. */
    public static Path locate(WorldSpec spec, Path cacheRoot) {
        return cache(spec, cacheRoot).resolve(WorldBuilder.worldKey(settings(spec))).toAbsolutePath();
    }

    private static WorldSettings settings(WorldSpec spec) {
        if (spec.kind() != null && !"mini".equals(spec.kind())) {
            throw new VistaException(ExitCodes.USAGE, "world.kind: expected mini, got \"" + spec.kind() + "\"");
        }
        return WorldSettings.of(spec.scale(), spec.seed() == null ? DEFAULT_SEED : spec.seed());
    }

    private static Path cache(WorldSpec spec, Path cacheRoot) {
        return cacheRoot != null ? cacheRoot : spec.cache() != null ? spec.cache() : defaultCache();
    }

    /** Opens an already built world folder without building or verifying it. */
    public static World open(Path root) {
        if (!Files.isRegularFile(root.resolve("manifest.json"))) {
            throw new VistaException(ExitCodes.USAGE, root + ": not a built world (no manifest.json)");
        }
        return new World(root.toAbsolutePath());
    }

    /**
     * What a world will hold, known from its spec without building it (the build is deterministic), so that a spec's
     * {@code world:} references and layer numbers can be checked before any training.
     *
     * @param lmLayers      the mini LM's decoder layers (every layer has an SAE)
     * @param encoderLayers each encoder's transformer layers (hidden states 0..layers), in {@code encoders} order
     * @param encoders      the encoder folder names under {@code encoders/}
     */
    public record Blueprint(int lmLayers, List<Integer> encoderLayers, List<String> encoders) {
        public Blueprint {
            encoderLayers = List.copyOf(encoderLayers);
            encoders = List.copyOf(encoders);
        }

        /** The references a spec's encoders may use: {@code world:encoders/<name>}. */
        public List<String> encoderRefs() {
            return encoders.stream().map(e -> PREFIX + "encoders/" + e).toList();
        }

        /** The layers of the encoder a reference ({@link #encoderRefs}) names; 0 for any other reference. */
        public int encoderLayersOf(String ref) {
            int i = encoderRefs().indexOf(ref);
            return i < 0 ? 0 : encoderLayers.get(i);
        }
    }

    public static Blueprint blueprint(WorldSpec spec) {
        WorldSettings s = WorldSettings.of(spec.scale(), spec.seed() == null ? DEFAULT_SEED : spec.seed());
        return new Blueprint(s.layers(), EncoderStage.NAMES.stream().map(n -> EncoderStage.layers(s.scale(), n))
                .toList(), EncoderStage.NAMES);
    }

    /** {@code $VISTABENCH_HOME/worlds}, else {@code ~/.vistabench/worlds}. */
    public static Path defaultCache() {
        String home = System.getenv("VISTABENCH_HOME");
        return home != null && !home.isBlank() ? Path.of(home, "worlds")
                : Path.of(System.getProperty("user.home"), ".vistabench", "worlds");
    }

    public Path root() {
        return root;
    }

    /** {@code world:lm} → {@code <root>/lm}; also {@code world:saes}, {@code world:data}, {@code world:encoders/<name>}. */
    public Path resolve(String worldPath) {
        if (!worldPath.startsWith(PREFIX)) {
            throw new VistaException(ExitCodes.USAGE, "\"" + worldPath + "\": a world path starts with " + PREFIX);
        }
        String rest = worldPath.substring(PREFIX.length());
        String top = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        if (!TOP_LEVEL.contains(top) || rest.contains("..") || rest.startsWith("/")) {
            throw new VistaException(ExitCodes.USAGE, "\"" + worldPath + "\": expected world:lm, world:saes, world:data "
                    + "or world:encoders/<name>");
        }
        Path p = root.resolve(rest);
        if (!Files.exists(p)) {
            throw new VistaException(ExitCodes.USAGE, "\"" + worldPath + "\": " + p + " does not exist in world "
                    + root.getFileName() + (top.equals("encoders") ? " (was the encoder stage built? see its README)" : ""));
        }
        return p;
    }

    public Lexicon lexicon() {
        return lexicon;
    }

    /** The COCO dataset of a split (train, val or test), with captions and questions. */
    public synchronized CocoDataset dataset(String split) {
        if (!SceneStage.SPLITS.contains(split)) {
            throw new VistaException(ExitCodes.USAGE, "world split: expected train, val or test, got \"" + split + "\"");
        }
        return datasets.computeIfAbsent(split, s -> {
            Path d = root.resolve("data");
            return CocoDataset.load(d.resolve("images"), d.resolve("instances_" + s + ".json"),
                    d.resolve("captions_" + s + ".json"), d.resolve("questions_" + s + ".json"));
        });
    }

    /** The 64 patch words (raster order) of an image of any split, as the LM was trained to read them. */
    public synchronized List<String> gridWords(long imageId) {
        if (grids == null) {
            Map<Long, List<String>> all = new TreeMap<>();
            for (String s : SceneStage.SPLITS) {
                Path f = root.resolve("data").resolve("grids_" + s + ".json");
                try {
                    JsonNode doc = Json.MAPPER.readTree(f.toFile());
                    for (JsonNode g : doc.path("grids")) {
                        List<String> words = new ArrayList<>();
                        g.path("words").forEach(w -> words.add(w.asText()));
                        all.put(g.path("image_id").asLong(), Collections.unmodifiableList(words));
                    }
                } catch (IOException e) {
                    throw new VistaException(ExitCodes.CELL_FAILED, f + ": cannot read grid words: " + Json.why(e), e);
                }
            }
            grids = all;
        }
        List<String> g = grids.get(imageId);
        if (g == null) {
            throw new VistaException(ExitCodes.USAGE, "world " + root.getFileName() + ": no image id " + imageId);
        }
        return g;
    }

    /** A stage's quality figures from the manifest (e.g. {@code lm.oracle_recall}). */
    public Map<String, Object> quality(String stage) {
        try {
            JsonNode q = Json.MAPPER.readTree(root.resolve("manifest.json").toFile()).path("stages").path(stage)
                    .path("quality");
            return q.isMissingNode() ? Map.of() : Json.MAPPER.convertValue(q, Map.class);
        } catch (IOException e) {
            throw new VistaException(ExitCodes.CELL_FAILED, root.resolve("manifest.json") + ": " + Json.why(e), e);
        }
    }

    /** Whether a stage was built (the encoder stage may be recorded as missing). */
    public Optional<String> stageStatus(String stage) {
        try {
            JsonNode st = Json.MAPPER.readTree(root.resolve("manifest.json").toFile()).path("stages").path(stage)
                    .path("status");
            return st.isMissingNode() ? Optional.empty() : Optional.of(st.asText());
        } catch (IOException e) {
            throw new VistaException(ExitCodes.CELL_FAILED, root.resolve("manifest.json") + ": " + Json.why(e), e);
        }
    }
}
