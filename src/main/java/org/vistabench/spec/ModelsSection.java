package org.vistabench.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vistabench.spec.NodeReader.Entries;
import org.vistabench.spec.NodeReader.Scalar;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The model sections of a spec: {@code encoders}, {@code llms} with their {@code saes}, and {@code sae_layer_sets},
 * and the check that every layer set is covered by each LLM's SAEs.
 */
final class ModelsSection {
    private final NodeReader r;
    private final SpecValues values;

    ModelsSection(NodeReader r, SpecValues values) {
        this.r = r;
        this.values = values;
    }

    List<EncoderSpec> encoders(Node n, boolean hasWorld) {
        List<Node> items = r.list(n, "encoders", "a non-empty list of encoders", true);
        if (items == null) {
            return List.of();
        }
        List<EncoderSpec> out = new ArrayList<>();
        Map<String, Node> ids = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String p = "encoders[" + i + "]";
            Entries m = r.mapping(items.get(i), p, SpecSchema.KEYS.get("encoders[]"));
            if (m == null) {
                continue;
            }
            String id = r.required(m, "id", "an encoder id")
                    ? values.uniqueId(m.get("id"), m.path("id"), "encoder", ids) : null;
            String path = r.required(m, "path", "world:..., hf:org/name or a folder")
                    ? values.modelRef(m.get("path"), m.path("path"), hasWorld) : null;
            Long layer = m.get("layer") == null ? Long.valueOf(-1) : r.integer(m.get("layer"), m.path("layer"),
                    -1000, 1000, "an integer hidden-state index (negative counts from the end)");
            String tokens = m.get("tokens") == null ? "patch"
                    : r.choice(m.get("tokens"), m.path("tokens"), SpecSchema.TOKENS);
            String family = m.get("family") == null ? null
                    : r.choice(m.get("family"), m.path("family"), SpecSchema.FAMILIES);
            if (id != null && path != null && layer != null && tokens != null) {
                out.add(new EncoderSpec(id, path, layer.intValue(), tokens, family));
            }
        }
        return List.copyOf(out);
    }

    List<LlmSpec> llms(Node n, boolean hasWorld) {
        List<Node> items = r.list(n, "llms", "a non-empty list of LLMs", true);
        if (items == null) {
            return List.of();
        }
        List<LlmSpec> out = new ArrayList<>();
        Map<String, Node> ids = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String p = "llms[" + i + "]";
            Entries m = r.mapping(items.get(i), p, SpecSchema.KEYS.get("llms[]"));
            if (m == null) {
                continue;
            }
            String id = r.required(m, "id", "an LLM id")
                    ? values.uniqueId(m.get("id"), m.path("id"), "llm", ids) : null;
            String path = r.required(m, "path", "world:..., hf:org/name or a folder")
                    ? values.modelRef(m.get("path"), m.path("path"), hasWorld) : null;
            SaeSpec saes = r.required(m, "saes", "a mapping {path, format, layers}")
                    ? saes(m.get("saes"), m.path("saes"), hasWorld) : null;
            if (id != null && path != null && saes != null) {
                out.add(new LlmSpec(id, path, saes));
            }
        }
        return List.copyOf(out);
    }

    private SaeSpec saes(Node n, String p, boolean hasWorld) {
        Entries m = r.mapping(n, p, SpecSchema.KEYS.get("llms[].saes"));
        if (m == null) {
            return null;
        }
        String path = r.required(m, "path", "world:..., hf:org/name or a folder")
                ? values.modelRef(m.get("path"), m.path("path"), hasWorld) : null;
        String format = r.required(m, "format", "one of " + String.join("|", SpecSchema.SAE_FORMATS))
                ? r.choice(m.get("format"), m.path("format"), SpecSchema.SAE_FORMATS) : null;
        LayerSet layers = m.get("layers") == null ? new LayerSet("saes", true, List.of())
                : layerList(m.get("layers"), m.path("layers"), "saes");
        String labels = m.get("labels") == null ? null : values.modelRef(m.get("labels"), m.path("labels"), hasWorld);
        boolean ok = true;
        String width = null;
        String l0 = null;
        String position = null;
        Integer expansion = null;
        if (m.get("width") != null) {
            width = onlyFor(m, "width", format, "gemma-scope");
            if (width != null && !SpecSchema.SAE_WIDTH.matcher(width).matches()) {
                r.error(m.get("width"), m.path("width"), "expected a Gemma Scope width like 16k, 65k or 1m (the"
                        + " width_<w> folder), got \"" + width + "\"");
                width = null;
            }
            ok = width != null;
        }
        if (m.get("l0") != null) {
            l0 = onlyFor(m, "l0", format, "gemma-scope");
            if (l0 != null && !SpecSchema.SAE_L0.matcher(l0).matches()) {
                r.error(m.get("l0"), m.path("l0"), "expected canonical, K (the average_l0_K folder) or closest:K"
                        + " (the nearest K; ties: the smaller), got \"" + l0 + "\"");
                l0 = null;
            }
            ok &= l0 != null;
        }
        if (m.get("position") != null) {
            position = onlyFor(m, "position", format, "llama-scope") == null ? null
                    : r.choice(m.get("position"), m.path("position"), SpecSchema.SAE_POSITIONS);
            ok &= position != null;
        }
        if (m.get("expansion") != null) {
            Long e = onlyFor(m, "expansion", format, "llama-scope") == null ? null
                    : r.integer(m.get("expansion"), m.path("expansion"), 1, 1024, "a Llama Scope expansion factor"
                    + " (8 or 32)");
            if (e != null && e != 8 && e != 32) {
                r.error(m.get("expansion"), m.path("expansion"), "expected a Llama Scope expansion factor 8 or 32"
                        + " (the -8x / -32x folders), got " + e);
                e = null;
            }
            expansion = e == null ? null : e.intValue();
            ok &= expansion != null;
        }
        if (path == null || format == null || layers == null || !ok) {
            return null;
        }
        return new SaeSpec(path, format, layers, labels, width, l0, position, expansion);
    }

    /** The key's text when the SAE format is {@code format} (or unknown); an error at the key otherwise. */
    private String onlyFor(Entries m, String key, String format, String wanted) {
        if (format != null && !format.equals(wanted)) {
            r.error(m.get(key), m.path(key), "applies to format " + wanted + " only, not " + format + " (gemma-scope:"
                    + " width, l0; llama-scope: position, expansion)");
            return null;
        }
        return r.string(m.get(key), m.path(key), "a " + wanted + " " + key);
    }

    Map<String, LayerSet> layerSets(Entries top, Map<String, Node> nodes) {
        Node n = top.get("sae_layer_sets");
        if (n == null) {
            // Without layer sets the matrix is plain LLaVA training only, as documented in specs/README.md.
            return Map.of("none", new LayerSet("none", false, List.of()));
        }
        Entries m = r.mapping(n, "sae_layer_sets", null);
        if (m == null) {
            return Map.of();
        }
        if (m.byKey().isEmpty()) {
            r.error(n, "sae_layer_sets", "expected at least one layer set, e.g. {none: [], early: [0, 1]}, got an "
                    + "empty mapping");
        }
        Map<String, LayerSet> out = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> e : m.byKey().entrySet()) {
            String p = m.path(e.getKey());
            if (!SpecSchema.ID.matcher(e.getKey()).matches() || e.getKey().contains("__")) {
                r.error(e.getValue().getKeyNode(), p, "expected a layer set name of letters, digits, '.', '_' or '-' "
                        + "(no '__'), got \"" + e.getKey() + "\"");
                continue;
            }
            LayerSet set = layerList(e.getValue().getValueNode(), p, e.getKey());
            if (set != null) {
                out.put(e.getKey(), set);
                nodes.put(e.getKey(), e.getValue().getValueNode());
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private LayerSet layerList(Node n, String p, String name) {
        String expected = "a list of non-negative layer indices or all";
        if (n instanceof ScalarNode) {
            Scalar s = r.scalar(n, p, expected);
            if (s == null) {
                return null;
            }
            if (s.plain() && s.value().equals("all")) {
                return new LayerSet(name, true, List.of());
            }
            r.error(n, p, "expected " + expected + ", got " + NodeReader.describe(s));
            return null;
        }
        List<Node> items = r.list(n, p, expected, false);
        if (items == null) {
            return null;
        }
        List<Integer> layers = new ArrayList<>();
        Map<Long, Node> seen = new HashMap<>();
        boolean ok = true;
        for (int i = 0; i < items.size(); i++) {
            String ip = p + "[" + i + "]";
            Long layer = r.integer(items.get(i), ip, 0, 10_000, "a non-negative layer index");
            if (layer == null) {
                ok = false;
            } else if (seen.containsKey(layer)) {
                r.error(items.get(i), ip, "duplicate layer " + layer + " (first at line "
                        + NodeReader.line(seen.get(layer)) + ")");
                ok = false;
            } else {
                seen.put(layer, items.get(i));
                layers.add(layer.intValue());
            }
        }
        return ok ? new LayerSet(name, false, List.copyOf(layers)) : null;
    }

    /** An LLM whose SAEs cover only some layers cannot be trained against a layer it has no SAE for. */
    void checkSaeCoverage(List<LlmSpec> llms, Map<String, LayerSet> sets, Map<String, Node> nodes) {
        for (LlmSpec llm : llms) {
            LayerSet covered = llm.saes().layers();
            if (covered.all()) {
                continue;
            }
            for (LayerSet set : sets.values()) {
                if (set.all()) {
                    continue;
                }
                for (int layer : set.layers()) {
                    if (!covered.layers().contains(layer)) {
                        r.error(nodes.get(set.name()), "sae_layer_sets." + set.name(), "layer " + layer + " has no SAE"
                                + " in llm \"" + llm.id() + "\" (its saes.layers: " + covered.layers() + ")");
                        break;
                    }
                }
            }
        }
    }
}
