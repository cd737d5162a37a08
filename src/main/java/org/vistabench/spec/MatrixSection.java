package org.vistabench.spec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.vistabench.spec.NodeReader.Entries;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The axes of a spec's matrix besides the models ({@code seeds}, {@code controls}), the {@code matrix} section's
 * include/exclude globs, and the check that they select cells.
 */
final class MatrixSection {
    private final NodeReader r;
    /** The {@code matrix} mapping as read by {@link #matrix}, for {@link #checkMatrix} to locate each glob. */
    private Entries matrixEntries;

    MatrixSection(NodeReader r) {
        this.r = r;
    }

    List<Long> seeds(Entries top, Long seed) {
        Node n = top.get("seeds");
        if (n == null) {
            return seed == null ? List.of() : List.of(seed);
        }
        List<Node> items = r.list(n, "seeds", "a non-empty list of non-negative integers", true);
        if (items == null) {
            return List.of();
        }
        List<Long> out = new ArrayList<>();
        Map<Long, Node> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String p = "seeds[" + i + "]";
            Long s = r.nonNegativeLong(items.get(i), p);
            if (s != null) {
                if (seen.containsKey(s)) {
                    r.error(items.get(i), p, "duplicate seed " + s + " (first at line " + NodeReader.line(seen.get(s))
                            + ")");
                } else {
                    seen.put(s, items.get(i));
                    out.add(s);
                }
            }
        }
        return List.copyOf(out);
    }

    List<String> controls(Node n) {
        if (n == null) {
            return List.of();
        }
        List<Node> items = r.list(n, "controls", "a list of control names (" + String.join("|", SpecSchema.CONTROLS)
                + ")", false);
        if (items == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String p = "controls[" + i + "]";
            String c = r.choice(items.get(i), p, SpecSchema.CONTROLS);
            if (c != null) {
                if (out.contains(c)) {
                    r.error(items.get(i), p, "duplicate control \"" + c + "\"");
                } else {
                    out.add(c);
                }
            }
        }
        return List.copyOf(out);
    }

    MatrixSpec matrix(Node n) {
        if (n == null) {
            return new MatrixSpec(List.of(), List.of());
        }
        Entries m = r.mapping(n, "matrix", SpecSchema.KEYS.get("matrix"));
        matrixEntries = m;
        if (m == null) {
            return null;
        }
        List<String> include = globs(m.get("include"), "matrix.include");
        List<String> exclude = globs(m.get("exclude"), "matrix.exclude");
        return include == null || exclude == null ? null : new MatrixSpec(include, exclude);
    }

    private List<String> globs(Node n, String p) {
        if (n == null) {
            return List.of();
        }
        List<Node> items = r.list(n, p, "a list of globs over cell ids", false);
        if (items == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String s = r.string(items.get(i), p + "[" + i + "]", "a glob over cell ids");
            if (s == null) {
                return null;
            }
            out.add(s);
        }
        return List.copyOf(out);
    }

    /**
     * Each glob must match some cell: a glob that matches nothing is almost always a typo (often an undefined layer
     * set or id), and an include/exclude pair that leaves no cell at all would run nothing.
     */
    void checkMatrix(Entries top, MatrixSpec matrix, List<EncoderSpec> encoders, List<LlmSpec> llms,
                     Map<String, LayerSet> layerSets, List<String> controls, List<Long> seeds) {
        List<String> encoderIds = encoders.stream().map(EncoderSpec::id).toList();
        List<String> llmIds = llms.stream().map(LlmSpec::id).toList();
        List<Cell> all = MatrixExpander.all(encoderIds, llmIds, layerSets, controls, seeds);
        if (all.isEmpty()) {
            return;
        }
        Entries m = matrixEntries;
        boolean globsOk = true;
        if (m != null) {
            List<String> controlNames = new ArrayList<>();
            controlNames.add(Cell.NO_CONTROL);
            controlNames.addAll(controls);
            List<String> known = new ArrayList<>(encoderIds);
            known.addAll(llmIds);
            known.addAll(layerSets.keySet());
            known.addAll(controlNames);
            known.addAll(seedsText(seeds));
            for (String key : List.of("include", "exclude")) {
                Node listNode = m.get(key);
                if (!(listNode instanceof SequenceNode seq)) {
                    continue;
                }
                for (int i = 0; i < seq.getValue().size(); i++) {
                    String glob = key.equals("include") ? matrix.include().get(i) : matrix.exclude().get(i);
                    Glob g = Glob.of(glob);
                    if (all.stream().anyMatch(c -> g.matches(c.id()))) {
                        continue;
                    }
                    globsOk = false;
                    String p = "matrix." + key + "[" + i + "]";
                    String why = "";
                    for (String part : glob.split("__", -1)) {
                        if (!part.isEmpty() && !Glob.hasWildcard(part) && !known.contains(part)) {
                            why = ": \"" + part + "\" names no encoder, llm, sae layer set, control or seed of "
                                    + "this spec (sae layer sets: " + String.join(", ", layerSets.keySet()) + ")"
                                    + r.didYouMean(part, known);
                            break;
                        }
                    }
                    r.error(seq.getValue().get(i), p, "expected a glob matching at least one cell id "
                            + "(<encoder>__<llm>__<sae layer set>__<control>__s<seed>), got \"" + glob + "\", which "
                            + "matches none" + why);
                }
            }
        }
        if (globsOk && MatrixExpander.filter(all, matrix).isEmpty()) {
            Node at = top.has("matrix") ? top.keyNode("matrix") : top.node();
            r.error(at, "matrix", "expected at least one cell, got none: include/exclude remove all " + all.size()
                    + " cells");
        }
    }

    private static List<String> seedsText(List<Long> seeds) {
        return seeds.stream().map(s -> "s" + s).toList();
    }
}
