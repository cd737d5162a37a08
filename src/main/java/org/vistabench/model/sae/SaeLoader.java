package org.vistabench.model.sae;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.io.Json;
import org.vistabench.tensor.NpyArray;
import org.vistabench.tensor.Npz;
import org.vistabench.tensor.SafeTensors;
import org.vistabench.tensor.TensorFormatException;
import org.vistabench.tensor.TensorInfo;

/**
 * Reads pretrained JumpReLU SAEs the way SAELens 6.18 does (sources: {@code docs/SAE-FORMATS.md}).
 *
 * <ul>
 *   <li><b>Gemma Scope</b>: one {@code params.npz} with {@code W_enc [d_model,d_sae]}, {@code W_dec [d_sae,d_model]},
 *       {@code b_enc}, {@code b_dec}, {@code threshold [d_sae]}, used as stored (raw activations in, no scaling).
 *       Keys starting with {@code w_} are renamed {@code W_…} as SAELens does.</li>
 *   <li><b>Llama Scope</b>: a folder {@code Llama3_1-8B-Base-L{L}{R|A|M|TC}-{8|32}x/} with {@code hyperparams.json}
 *       and {@code checkpoints/final.safetensors} (BF16, nn.Linear orientation). Transposed to math orientation,
 *       then the dataset-wise input normalization s = sqrt(d_model) / dataset_average_activation_norm.in is folded
 *       in: W_enc × s, W_dec / s, b_dec / s, threshold = jump_relu_threshold × s, b_enc unchanged. Raw activations go
 *       in, the reconstruction comes out in the raw scale, latent activations are in normalized-space units. We gate
 *       like SAELens (pre &gt; threshold, decoder norms not folded), not like lm_saes' own loader.</li>
 * </ul>
 */
public final class SaeLoader {
    public static final String GEMMA_SCOPE = "gemma-scope";
    public static final String LLAMA_SCOPE = "llama-scope";

    private static final Logger LOG = LoggerFactory.getLogger(SaeLoader.class);
    private static final Pattern LAYER_DIR = Pattern.compile("layer_(\\d+)");
    private static final Pattern L0_DIR = Pattern.compile("average_l0_(\\d+)");
    private static final Pattern WIDTH = Pattern.compile("(\\d+)([kmx]?)");
    private static final Pattern LLAMA_DIR = Pattern.compile(".*-L(\\d+)(R|A|M|TC)-(\\d+)x");

    private SaeLoader() {
    }

    /** A Gemma Scope SAE from a {@code params.npz} file or a folder holding one. */
    public static Sae gemmaScope(Path paramsNpzOrFolder, NDManager m) {
        Path file = Files.isDirectory(paramsNpzOrFolder) ? paramsNpzOrFolder.resolve("params.npz") : paramsNpzOrFolder;
        if (!Files.isRegularFile(file)) {
            throw new TensorFormatException(file + ": Gemma Scope params.npz not found");
        }
        Map<String, NpyArray> raw = Npz.read(file);
        Map<String, NpyArray> p = new TreeMap<>();
        for (var e : raw.entrySet()) {
            String k = e.getKey().startsWith("w_") ? "W_" + e.getKey().substring(2) : e.getKey();
            p.put(k, e.getValue());
        }
        NpyArray wEnc = need(file, p, "W_enc");
        if (wEnc.shape().length != 2) {
            throw new TensorFormatException(file + ": array 'W_enc' has shape " + Arrays.toString(wEnc.shape())
                    + ", expected [d_model, d_sae]");
        }
        int dModel = Math.toIntExact(wEnc.shape()[0]);
        int dSae = Math.toIntExact(wEnc.shape()[1]);
        String why = "(d_model " + dModel + ", d_sae " + dSae + " from W_enc)";
        float[] wDec = floats(file, need(file, p, "W_dec"), why, dSae, dModel);
        float[] bEnc = floats(file, need(file, p, "b_enc"), why, dSae);
        float[] bDec = floats(file, need(file, p, "b_dec"), why, dModel);
        float[] thr = floats(file, need(file, p, "threshold"), why, dSae);
        return new Sae(m, dModel, dSae, floats(file, wEnc, why, dModel, dSae), wDec, bEnc, bDec, thr);
    }

    private static NpyArray need(Path file, Map<String, NpyArray> p, String key) {
        NpyArray a = p.get(key);
        if (a == null) {
            throw new TensorFormatException(file + ": array '" + key + "' is missing (Gemma Scope needs W_enc, W_dec,"
                    + " b_enc, b_dec, threshold; found " + p.keySet() + ")");
        }
        return a;
    }

    private static float[] floats(Path file, NpyArray a, String why, long... shape) {
        if (!Arrays.equals(a.shape(), shape)) {
            throw new TensorFormatException(file + ": array '" + a.name() + "' has shape " + Arrays.toString(a.shape())
                    + ", expected " + Arrays.toString(shape) + " " + why);
        }
        if (a.floats() == null) {
            throw new TensorFormatException(file + ": array '" + a.name() + "' has dtype " + a.dtype()
                    + ", expected a floating type");
        }
        return finite(file, a.name(), a.floats());
    }

    private static float[] finite(Path file, String name, float[] v) {
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new TensorFormatException(file + ": tensor '" + name + "' holds a non-finite value (" + v[i]
                        + ") at flat index " + i);
            }
        }
        return v;
    }

    /** The dataset-wise norm scaling factor s = sqrt(d_model) / dataset_average_activation_norm.in of a folder. */
    public static double llamaScopeNormScalingFactor(Path folder) {
        return LlamaHyper.read(folder.resolve("hyperparams.json")).s();
    }

    /** A Llama Scope SAE from its folder (hyperparams.json + checkpoints/final.safetensors), folded as SAELens does. */
    public static Sae llamaScope(Path folder, NDManager m) {
        if (!Files.isDirectory(folder)) {
            throw new TensorFormatException(folder + ": Llama Scope SAE folder not found");
        }
        LlamaHyper h = LlamaHyper.read(folder.resolve("hyperparams.json"));
        Path st = folder.resolve("checkpoints").resolve("final.safetensors");
        if (!Files.isRegularFile(st)) {
            throw new TensorFormatException(st + ": Llama Scope checkpoint not found");
        }
        int d = h.dModel();
        int n = h.dSae();
        String why = "(d_model " + d + ", d_sae " + n + " from hyperparams.json)";
        try (SafeTensors t = SafeTensors.open(st)) {
            float[] encW = tensor(t, "encoder.weight", why, n, d);
            float[] encB = tensor(t, "encoder.bias", why, n);
            float[] decW = tensor(t, "decoder.weight", why, d, n);
            float[] decB = tensor(t, "decoder.bias", why, d);
            // Fold in double, round once: the fixture's reference state is computed in float64.
            double s = h.s();
            float[] wEnc = new float[d * n];
            float[] wDec = new float[n * d];
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < d; i++) {
                    wEnc[i * n + j] = (float) (encW[j * d + i] * s);
                    wDec[j * d + i] = (float) (decW[i * n + j] / s);
                }
            }
            float[] bDec = new float[d];
            for (int i = 0; i < d; i++) {
                bDec[i] = (float) (decB[i] / s);
            }
            float[] thr = new float[n];
            Arrays.fill(thr, (float) (h.jumpReluThreshold() * s));
            return new Sae(m, d, n, wEnc, wDec, encB, bDec, thr);
        }
    }

    private static float[] tensor(SafeTensors t, String name, String why, long... shape) {
        if (!t.has(name)) {
            throw new TensorFormatException(t.file() + ": tensor '" + name + "' is missing (Llama Scope needs"
                    + " encoder.weight, encoder.bias, decoder.weight, decoder.bias; found " + t.names() + ")");
        }
        TensorInfo info = t.info(name);
        if (!Arrays.equals(info.shape(), shape)) {
            throw new TensorFormatException(t.file() + ": tensor '" + name + "' has shape "
                    + Arrays.toString(info.shape()) + ", expected " + Arrays.toString(shape) + " " + why);
        }
        return finite(t.file(), name, t.floats(name));
    }

    /** The fields of Llama Scope's hyperparams.json that inference needs. */
    record LlamaHyper(Path file, int dModel, int dSae, double jumpReluThreshold, double normIn, String hookPointIn) {
        double s() {
            return Math.sqrt(dModel) / normIn;
        }

        static LlamaHyper read(Path file) {
            if (!Files.isRegularFile(file)) {
                throw new TensorFormatException(file + ": Llama Scope hyperparams.json not found");
            }
            JsonNode root;
            try {
                root = Json.MAPPER.readTree(file.toFile());
            } catch (IOException e) {
                throw new TensorFormatException(file + ": not valid JSON: " + Json.why(e));
            }
            if (root == null || !root.isObject()) {
                throw new TensorFormatException(file + ": expected a JSON object");
            }
            JsonNode act = root.get("act_fn");
            if (act != null && !act.isNull() && !"jumprelu".equalsIgnoreCase(act.asText())) {
                throw new TensorFormatException(file + ": act_fn is '" + act.asText()
                        + "', only 'jumprelu' Llama Scope SAEs are supported");
            }
            JsonNode pre = root.get("apply_decoder_bias_to_pre_encoder");
            if (pre != null && pre.asBoolean(false)) {
                // SAELens ignores this flag (apply_b_dec_to_input False); so do we, for parity, but say so.
                LOG.warn("{}: apply_decoder_bias_to_pre_encoder is true; ignored as SAELens does", file);
            }
            int dModel = positiveInt(file, root, "d_model");
            int dSae = positiveInt(file, root, "d_sae");
            double thr = number(file, root.get("jump_relu_threshold"), "jump_relu_threshold");
            JsonNode norms = root.get("dataset_average_activation_norm");
            if (norms == null || !norms.isObject()) {
                throw new TensorFormatException(file + ": key 'dataset_average_activation_norm' is missing or not an"
                        + " object (need {\"in\": <norm>, \"out\": <norm>} to fold the input normalization)");
            }
            double in = number(file, norms.get("in"), "dataset_average_activation_norm.in");
            if (!(in > 0)) {
                throw new TensorFormatException(file + ": dataset_average_activation_norm.in is " + in
                        + ", expected > 0");
            }
            JsonNode hook = root.get("hook_point_in");
            return new LlamaHyper(file, dModel, dSae, thr, in, hook == null ? null : hook.asText());
        }

        private static int positiveInt(Path file, JsonNode root, String key) {
            JsonNode v = root.get(key);
            if (v == null || v.isNull()) {
                throw new TensorFormatException(file + ": key '" + key + "' is missing");
            }
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() <= 0) {
                throw new TensorFormatException(file + ": key '" + key + "' is " + v + ", expected a positive integer");
            }
            return v.asInt();
        }

        private static double number(Path file, JsonNode v, String key) {
            if (v == null || v.isNull()) {
                throw new TensorFormatException(file + ": key '" + key + "' is missing");
            }
            if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                throw new TensorFormatException(file + ": key '" + key + "' is " + v + ", expected a number");
            }
            return v.asDouble();
        }
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }

    /**
     * Which format a path holds: {@code gemma-scope} (a .npz file, a folder with params.npz, or a repo with
     * {@code layer_*} folders) or {@code llama-scope} (a folder with hyperparams.json, or one whose sub-folders
     * follow the {@code ...-L{L}{pos}-{k}x} naming). Anything else → exit 3 naming the path.
     */
    public static String detectFormat(Path p) {
        if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(".npz")) {
            return GEMMA_SCOPE;
        }
        if (Files.isDirectory(p)) {
            if (Files.isRegularFile(p.resolve("params.npz"))) {
                return GEMMA_SCOPE;
            }
            if (Files.isRegularFile(p.resolve("hyperparams.json"))) {
                return LLAMA_SCOPE;
            }
            List<Path> subs = subdirs(p);
            if (subs.stream().anyMatch(d -> LAYER_DIR.matcher(d.getFileName().toString()).matches())) {
                return GEMMA_SCOPE;
            }
            if (subs.stream().anyMatch(d -> LLAMA_DIR.matcher(d.getFileName().toString()).matches()
                    && Files.isRegularFile(d.resolve("hyperparams.json")))) {
                return LLAMA_SCOPE;
            }
        }
        throw new TensorFormatException(p + ": not a Gemma Scope (params.npz, layer_*/...) or Llama Scope"
                + " (hyperparams.json, *-L{layer}R-8x/) SAE");
    }

    /** {@link #loadLayers(Path, String, NDManager, SaeChoice)} with {@link SaeChoice#defaults()}. */
    public static SaeSet loadLayers(Path root, String format, NDManager m) {
        return loadLayers(root, format, m, SaeChoice.defaults());
    }

    /**
     * Every layer's SAE under a repository root.
     *
     * <p>Gemma Scope: {@code layer_{L}/width_{W}/{average_l0_{K}|canonical}/params.npz}. A {@code params.npz} directly
     * in {@code layer_{L}/} or {@code layer_{L}/width_{W}/} is taken as is (the short layout our mini world may write).
     * Width: {@code choice.width()} or the only one. L0 ({@link SaeChoice.L0}): {@code canonical} the
     * {@code canonical/} folder; {@code K} exactly {@code average_l0_K}; {@code closest:K} the nearest K (ties: the
     * smaller); none: {@code canonical/} if present, else the only {@code average_l0_K}. A choice that is missing or
     * names nothing → exit 3 saying what the layers have, grouped ({@code layers 0-25, width_16k: average_l0 22, 41;
     * choose saes.l0 (...)}).
     *
     * <p>Llama Scope: sub-folders {@code <prefix>-L{L}{pos}-{k}x}, position {@code choice.position()} (default R),
     * expansion {@code choice.expansion()} or the only one (several → exit 3 listing them per layer).
     *
     * @param format {@code gemma-scope}, {@code llama-scope} or {@code auto} ({@link #detectFormat})
     * @return the per-layer SAE files {@link #loadLayers(Path, String, NDManager, SaeChoice)} loads, found without
     *     reading them (cheap: a spec's SAEs can be checked before any training)
     */
    public static Map<Integer, Path> locateLayers(Path root, String format, SaeChoice choice) {
        if (!Files.isDirectory(root)) {
            throw new TensorFormatException(root + ": SAE folder not found");
        }
        String f = "auto".equals(format) ? detectFormat(root) : format;
        Map<Integer, Path> found = switch (f == null ? "" : f) {
            case GEMMA_SCOPE -> gemmaScopeLayers(root, choice);
            case LLAMA_SCOPE -> llamaScopeLayers(root, choice);
            default -> throw new VistaException(ExitCodes.USAGE, root + ": unknown SAE format '" + format
                    + "' (expected gemma-scope, llama-scope or auto)");
        };
        if (choice.layers() != null) {
            List<Integer> missing = new ArrayList<>();
            for (int l : new java.util.TreeSet<>(choice.layers())) {
                if (!found.containsKey(l)) {
                    missing.add(l);
                }
            }
            if (!missing.isEmpty()) {
                throw new TensorFormatException(root + ": no " + f + " SAE for layer(s) " + missing + " (found layers "
                        + found.keySet() + ")");
            }
            found.keySet().retainAll(choice.layers());
        }
        if (found.isEmpty()) {
            throw new TensorFormatException(root + ": no " + f + " SAE found (expected "
                    + (GEMMA_SCOPE.equals(f) ? "layer_{L}/width_{W}/average_l0_{K}/params.npz" : "*-L{L}R-8x/hyperparams.json")
                    + ")");
        }
        return found;
    }

    /** Every layer's SAE under a repository root, as {@link #locateLayers} finds them. */
    public static SaeSet loadLayers(Path root, String format, NDManager m, SaeChoice choice) {
        Map<Integer, Path> found = locateLayers(root, format, choice);
        String f = "auto".equals(format) ? detectFormat(root) : format;
        Map<Integer, Sae> saes = new LinkedHashMap<>();
        try {
            for (var e : found.entrySet()) {
                Sae s = GEMMA_SCOPE.equals(f) ? gemmaScope(e.getValue(), m) : llamaScope(e.getValue(), m);
                saes.put(e.getKey(), s);
                LOG.info("SAE layer {}: {} (d_model {}, d_sae {})", e.getKey(), e.getValue(), s.dModel(), s.dSae());
            }
        } catch (RuntimeException ex) {
            saes.values().forEach(Sae::close);
            throw ex;
        }
        return new SaeSet(root, saes, found);
    }

    private static Map<Integer, Path> gemmaScopeLayers(Path root, SaeChoice c) {
        Map<Integer, Path> out = new TreeMap<>();
        Problems problems = new Problems();
        for (Path layerDir : subdirs(root)) {
            Matcher lm = LAYER_DIR.matcher(layerDir.getFileName().toString());
            if (!lm.matches()) {
                continue;
            }
            int layer = Integer.parseInt(lm.group(1));
            if (c.layers() != null && !c.layers().contains(layer)) {
                continue;
            }
            Path p = gemmaScopeParams(layerDir, c, layer, problems);
            if (p != null) {
                out.put(layer, p);
            }
        }
        problems.throwIfAny(root);
        return out;
    }

    /** The params.npz of one layer folder, or null with the reason added to {@code problems}. */
    private static Path gemmaScopeParams(Path layerDir, SaeChoice c, int layer, Problems problems) {
        if (Files.isRegularFile(layerDir.resolve("params.npz"))) {
            return layerDir.resolve("params.npz");
        }
        List<Path> widthDirs = subdirs(layerDir).stream()
                .filter(d -> d.getFileName().toString().startsWith("width_")).toList();
        String widths = String.join(", ", widthDirs.stream()
                .map(d -> d.getFileName().toString().substring("width_".length())).sorted(SaeLoader::bySize).toList());
        Path width;
        if (c.width() != null) {
            width = layerDir.resolve("width_" + c.width());
            if (!Files.isDirectory(width)) {
                problems.add(layer, "", "no width_" + c.width() + " (widths " + (widths.isEmpty() ? "none" : widths)
                        + "); choose saes.width");
                return null;
            }
        } else if (widthDirs.size() == 1) {
            width = widthDirs.get(0);
        } else {
            problems.add(layer, "", widthDirs.isEmpty() ? "no width_* folder"
                    : "widths " + widths + "; choose saes.width");
            return null;
        }
        if (Files.isRegularFile(width.resolve("params.npz"))) {
            return width.resolve("params.npz");
        }
        TreeMap<Integer, Path> l0s = new TreeMap<>();
        for (Path d : subdirs(width)) {
            Matcher m = L0_DIR.matcher(d.getFileName().toString());
            if (m.matches()) {
                l0s.put(Integer.parseInt(m.group(1)), d);
            }
        }
        Path canonical = width.resolve("canonical");
        boolean hasCanonical = Files.isDirectory(canonical);
        String sub = width.getFileName().toString();
        String have = (l0s.isEmpty() ? "no average_l0_*" : "average_l0 " + String.join(", ",
                l0s.keySet().stream().map(String::valueOf).toList())) + (hasCanonical ? ", canonical" : "");
        String choose = "; choose saes.l0 (" + SaeChoice.L0.FORMS + ")";
        SaeChoice.L0 want = c.l0();
        Path pick = null;
        if (want == null) {
            if (hasCanonical) {
                pick = canonical;
            } else if (l0s.size() == 1) {
                pick = l0s.firstEntry().getValue();
            } else {
                problems.add(layer, sub, (l0s.isEmpty() ? "no average_l0_* or canonical folder" : have) + choose);
                return null;
            }
        } else {
            switch (want.kind()) {
                case CANONICAL -> {
                    if (hasCanonical) {
                        pick = canonical;
                    } else {
                        problems.add(layer, sub, "no canonical folder (" + have + "; canonical/ is the layout of"
                                + " Google's gemma-scope-*-canonical repos)" + choose);
                    }
                }
                case EXACT -> {
                    pick = l0s.get((int) want.k());
                    if (pick == null) {
                        problems.add(layer, sub, "no average_l0_" + (int) want.k() + " (" + have + ")" + choose);
                    }
                }
                case CLOSEST -> {
                    double best = Double.POSITIVE_INFINITY;
                    for (var e : l0s.entrySet()) { // ascending K: on a tie the smaller K stays
                        double dist = Math.abs(e.getKey() - want.k());
                        if (dist < best) {
                            best = dist;
                            pick = e.getValue();
                        }
                    }
                    if (pick == null) {
                        problems.add(layer, sub, "no average_l0_* folder to take the closest of (" + have + ")"
                                + choose);
                    }
                }
                default -> throw new IllegalStateException(want.toString());
            }
        }
        return pick == null ? null : pick.resolve("params.npz");
    }

    /** "4k" before "16k" before "1m": Gemma Scope widths by size, unparsable names last by text. */
    private static int bySize(String a, String b) {
        return Long.compare(widthSize(a), widthSize(b)) != 0 ? Long.compare(widthSize(a), widthSize(b))
                : a.compareTo(b);
    }

    private static long widthSize(String w) {
        Matcher m = WIDTH.matcher(w);
        if (!m.matches()) {
            return Long.MAX_VALUE;
        }
        long n = Long.parseLong(m.group(1));
        return m.group(2).equals("k") ? n * 1_000 : m.group(2).equals("m") ? n * 1_000_000 : n;
    }

    /**
     * Why layers have no SAE, grouped so that 26 layers with the same choice to make give one clause, not 26:
     * {@code layers 0-25, width_16k: average_l0 22, 41; choose saes.l0 (...)}.
     */
    private static final class Problems {
        private record Where(String sub, String text) {
        }

        private final Map<Where, List<Integer>> byText = new LinkedHashMap<>();

        void add(int layer, String sub, String text) {
            byText.computeIfAbsent(new Where(sub, text), k -> new ArrayList<>()).add(layer);
        }

        void throwIfAny(Path root) {
            if (byText.isEmpty()) {
                return;
            }
            List<String> parts = new ArrayList<>();
            byText.forEach((w, layers) -> parts.add((layers.size() == 1 ? "layer_" + layers.get(0)
                    : "layers " + ranges(layers) + (w.sub().isEmpty() ? "" : ",")) + (w.sub().isEmpty() ? ""
                    : (layers.size() == 1 ? "/" : " ") + w.sub()) + ": " + w.text()));
            throw new TensorFormatException(root + ": " + String.join(" | ", parts));
        }
    }

    /** [0, 1, 2, 5] → "0-2, 5". */
    static String ranges(List<Integer> xs) {
        List<Integer> s = xs.stream().sorted().toList();
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.size()) {
            int j = i;
            while (j + 1 < s.size() && s.get(j + 1) == s.get(j) + 1) {
                j++;
            }
            out.add(i == j ? String.valueOf(s.get(i)) : s.get(i) + "-" + s.get(j));
            i = j + 1;
        }
        return String.join(", ", out);
    }

    private static Map<Integer, Path> llamaScopeLayers(Path root, SaeChoice c) {
        String pos = c.position() == null ? "R" : c.position();
        Map<Integer, List<Path>> byLayer = new TreeMap<>();
        java.util.TreeSet<String> positions = new java.util.TreeSet<>();
        java.util.TreeSet<Integer> expansions = new java.util.TreeSet<>();
        for (Path d : subdirs(root)) {
            Matcher m = LLAMA_DIR.matcher(d.getFileName().toString());
            if (!m.matches()) {
                continue;
            }
            positions.add(m.group(2));
            if (!m.group(2).equals(pos)) {
                continue;
            }
            expansions.add(Integer.parseInt(m.group(3)));
            if (c.expansion() != null && Integer.parseInt(m.group(3)) != c.expansion()) {
                continue;
            }
            if (c.layers() != null && !c.layers().contains(Integer.parseInt(m.group(1)))) {
                continue;
            }
            byLayer.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new ArrayList<>()).add(d);
        }
        if (byLayer.isEmpty() && !positions.isEmpty()) {
            if (!positions.contains(pos)) {
                throw new TensorFormatException(root + ": no Llama Scope SAE at position " + pos + " (positions "
                        + String.join(", ", positions) + "); choose saes.position");
            }
            if (c.expansion() != null && !expansions.contains(c.expansion())) {
                throw new TensorFormatException(root + ": no Llama Scope " + pos + " SAE with expansion "
                        + c.expansion() + "x (expansions " + expansions + "); choose saes.expansion");
            }
        }
        Map<Integer, Path> out = new TreeMap<>();
        Problems problems = new Problems();
        for (var e : byLayer.entrySet()) {
            if (e.getValue().size() > 1) {
                problems.add(e.getKey(), "", "expansions " + String.join(", ", e.getValue().stream().map(d -> {
                    Matcher m = LLAMA_DIR.matcher(d.getFileName().toString());
                    return m.matches() ? m.group(3) + "x" : d.getFileName().toString();
                }).sorted(SaeLoader::bySize).toList()) + "; choose saes.expansion");
                continue;
            }
            out.put(e.getKey(), e.getValue().get(0));
        }
        problems.throwIfAny(root);
        return out;
    }

    private static List<Path> subdirs(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new TensorFormatException(dir + ": cannot list: " + oneLine(e.getMessage()));
        }
    }

    private static List<String> names(List<Path> ps) {
        return ps.stream().map(p -> p.getFileName().toString()).sorted().toList();
    }
}
