package org.vistabench.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The keys and enumerations the spec language accepts, in one place: the validator checks against these lists and a
 * test checks that {@code specs/README.md} documents every one of them.
 */
public final class SpecSchema {
    /**
     * Allowed keys per mapping, by the mapping's path ({@code ""} is the top level, {@code []} stands for any list
     * index). {@code sae_layer_sets} and {@code metrics} are free-form maps (names chosen by the user) and are not
     * listed; metric parameters are free-form too.
     */
    public static final Map<String, List<String>> KEYS;

    static {
        Map<String, List<String>> k = new LinkedHashMap<>();
        k.put("", List.of("name", "seed", "seeds", "world", "data", "encoders", "llms", "sae_layer_sets", "controls",
                "train", "metrics", "golden", "matrix", "judge"));
        k.put("world", List.of("kind", "scale", "seed", "cache"));
        k.put("data", List.of("images", "instances", "captions", "eval", "test_fraction", "bad_images",
                "conversations"));
        k.put("data.eval", List.of("images", "instances", "captions"));
        // data.conversations is a free-form map of set names (each a split name); each set has these keys.
        k.put("data.conversations.<name>", List.of("json", "images"));
        k.put("encoders[]", List.of("id", "path", "layer", "tokens", "family"));
        k.put("llms[]", List.of("id", "path", "saes"));
        k.put("llms[].saes", List.of("path", "format", "layers", "labels", "width", "l0", "position", "expansion"));
        k.put("train", List.of("steps", "batch", "lr", "warmup", "lambda_sae", "projector", "precision", "device",
                "checkpoint_every", "grad_clip", "weight_decay", "eval_images", "accumulation", "stages"));
        k.put("train.stages[]", List.of("name", "data", "steps", "epochs", "lr", "schedule", "warmup", "warmup_ratio",
                "batch", "accumulation", "lambda_sae", "weight_decay", "grad_clip"));
        k.put("matrix", List.of("include", "exclude"));
        k.put("judge", List.of("kind", "base_url", "model", "api_key_env", "timeout_s", "retries"));
        KEYS = java.util.Collections.unmodifiableMap(k);
    }

    public static final List<String> WORLD_KINDS = List.of("mini");
    public static final List<String> WORLD_SCALES = List.of("tiny", "default");
    public static final List<String> TOKENS = List.of("patch", "all");
    public static final List<String> FAMILIES = List.of("dinov2", "clip", "ijepa");
    public static final List<String> SAE_FORMATS = List.of("gemma-scope", "llama-scope");
    /** Gemma Scope width folder suffixes: {@code 16k}, {@code 65k}, {@code 1m}. */
    public static final Pattern SAE_WIDTH = Pattern.compile("[1-9][0-9]{0,5}[km]?");
    /** {@code canonical}, {@code K} or {@code closest:K} (see {@code model.sae.SaeChoice.L0}). */
    public static final Pattern SAE_L0 = Pattern.compile("canonical|[0-9]{1,9}|closest:[0-9]{1,9}(\\.[0-9]+)?");
    /** Llama Scope positions: residual, attention out, MLP out, transcoder. */
    public static final List<String> SAE_POSITIONS = List.of("R", "A", "M", "TC");
    public static final List<String> PROJECTORS = List.of("mlp2x_gelu", "linear");
    public static final List<String> PRECISIONS = List.of("fp32", "bf16");
    public static final List<String> SCHEDULES = List.of("cosine", "constant");
    /** {@code data.bad_images}: stop at an unreadable image, or leave it out with a warning. */
    public static final List<String> BAD_IMAGES = List.of("fail", "skip");
    /** The COCO splits of a {@code data} section; conversation sets take other names. */
    public static final List<String> SPLITS = List.of("train", "val", "test");
    public static final List<String> CONTROLS = List.of("random-sae");
    /** {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}. */
    public static final Pattern DEVICE = Pattern.compile("auto|cpu|gpu|gpu:(0|[1-9][0-9]{0,3})");
    /**
     * Ids and layer-set names become parts of cell ids ({@code a__b__c__d__s1}) and folder names: letters, digits,
     * {@code . _ -}, starting and ending with a letter or digit, and never {@code __} (the id separator).
     */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");
    /** {@code hf:org/name}, optionally followed by {@code /sub/folder} inside the snapshot. */
    public static final Pattern HF_REF = Pattern.compile("hf:[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*(/[^\\s]+)?");
    /** Metric parameters with these names must name layer sets defined under {@code sae_layer_sets}. */
    public static final List<String> LAYER_SET_PARAMS = List.of("layer_set", "layer_sets");

    private SpecSchema() {
    }

    /** Every accepted key as a full path, e.g. {@code train.lr}, {@code encoders[].layer}. */
    public static SortedSet<String> keyPaths() {
        SortedSet<String> out = new TreeSet<>();
        KEYS.forEach((prefix, keys) -> keys.forEach(key -> out.add(prefix.isEmpty() ? key : prefix + "." + key)));
        return out;
    }
}
