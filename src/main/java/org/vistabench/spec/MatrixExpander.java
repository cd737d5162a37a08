package org.vistabench.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Expands a spec into its cells: encoder × llm × SAE layer set × (none + each control) × seed, in the order the
 * spec lists them (encoders outermost, seeds innermost), then keeps the cells whose id matches an {@code include}
 * glob (all cells when there is none) and drops those matching an {@code exclude} glob.
 *
 * <p>Controls are applied only to non-empty layer sets: a control such as {@code random-sae} replaces the SAEs whose
 * reconstruction the projector is trained against, so for a layer set without SAEs (plain LLaVA training, e.g.
 * {@code none: []}) it would be the very same run again under another name.
 */
public final class MatrixExpander {
    private MatrixExpander() {
    }

    public static List<Cell> expand(Spec spec) {
        return filter(all(spec.encoders().stream().map(EncoderSpec::id).toList(),
                spec.llms().stream().map(LlmSpec::id).toList(), spec.saeLayerSets(), spec.controls(), spec.seeds()),
                spec.matrix());
    }

    /** Every cell before include/exclude. */
    static List<Cell> all(List<String> encoders, List<String> llms, Map<String, LayerSet> layerSets,
                          List<String> controls, List<Long> seeds) {
        List<Cell> cells = new ArrayList<>();
        for (String encoder : encoders) {
            for (String llm : llms) {
                for (LayerSet set : layerSets.values()) {
                    List<String> cs = new ArrayList<>();
                    cs.add(Cell.NO_CONTROL);
                    if (!set.isEmpty()) {
                        cs.addAll(controls);
                    }
                    for (String control : cs) {
                        for (long seed : seeds) {
                            cells.add(Cell.of(encoder, llm, set.name(), control, seed));
                        }
                    }
                }
            }
        }
        return cells;
    }

    static List<Cell> filter(List<Cell> cells, MatrixSpec matrix) {
        List<Glob> include = matrix.include().stream().map(Glob::of).toList();
        List<Glob> exclude = matrix.exclude().stream().map(Glob::of).toList();
        return cells.stream()
                .filter(c -> include.isEmpty() || include.stream().anyMatch(g -> g.matches(c.id())))
                .filter(c -> exclude.stream().noneMatch(g -> g.matches(c.id())))
                .toList();
    }
}
