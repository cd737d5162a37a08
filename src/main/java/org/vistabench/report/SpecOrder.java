package org.vistabench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.vistabench.spec.Cell;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The order in which the spec lists encoders, LLMs, SAE layer sets and controls, so that tables and figures read as
 * the spec does ({@code none, early, all}, not alphabetically). A name the spec does not list (or a spec text that
 * does not parse) sorts after the listed ones, alphabetically; control {@code none} comes first.
 */
record SpecOrder(List<String> encoders, List<String> llms, List<String> layerSets, List<String> controls) {
    static SpecOrder of(String specText) {
        Map<?, ?> root = Map.of();
        try {
            Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(specText == null ? "" : specText);
            if (doc instanceof Map<?, ?> m) {
                root = m;
            }
        } catch (RuntimeException e) {
            // an unreadable spec copy only costs the order
        }
        List<String> controls = new ArrayList<>(List.of(Cell.NO_CONTROL));
        controls.addAll(names(root.get("controls")));
        Object sets = root.get("sae_layer_sets");
        return new SpecOrder(ids(root.get("encoders")), ids(root.get("llms")),
                sets instanceof Map<?, ?> m ? m.keySet().stream().map(String::valueOf).toList() : List.of(), controls);
    }

    private static List<String> ids(Object list) {
        List<String> out = new ArrayList<>();
        if (list instanceof List<?> l) {
            for (Object o : l) {
                if (o instanceof Map<?, ?> m && m.get("id") != null) {
                    out.add(String.valueOf(m.get("id")));
                }
            }
        }
        return out;
    }

    private static List<String> names(Object list) {
        return list instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    /** Listed names by their place, then the others alphabetically. */
    static Comparator<String> by(List<String> listed) {
        return Comparator.<String>comparingInt(s -> listed.contains(s) ? listed.indexOf(s) : listed.size())
                .thenComparing(Comparator.naturalOrder());
    }

    Comparator<Cell> cells() {
        return Comparator.comparing(Cell::encoder, by(encoders)).thenComparing(Cell::llm, by(llms))
                .thenComparing(Cell::saeLayers, by(layerSets)).thenComparing(Cell::control, by(controls))
                .thenComparingLong(Cell::seed);
    }
}
