package org.vistabench.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A few key numbers per cell group, for the terminal and the top of summary.md: the seed means of the headline
 * metric of each family (the full tables carry sd and n). A column the run did not measure is left out.
 */
final class KeyNumbers {
    /** A column: its short header and the metric. */
    record Key(String header, String metric, String doc) {
    }

    static final List<Key> KEYS = List.of(
            new Key("match exc", "match_rate.excess.mean", "match rate over its shuffled baseline, mean over layers"),
            new Key("loc exc", "localization.excess.mean", "pointing game over chance, pooled over layers"),
            new Key("removal", "steering.removal_success", "removal success of the SAE edit"),
            new Key("caption", "caption.recall", "caption object recall"),
            new Key("qa", "qa.accuracy", "held-out question accuracy"),
            new Key("ce", "train.ce_final", "final answer cross-entropy"));

    private KeyNumbers() {
    }

    /** The measured keys of the run. */
    static List<Key> keys(ReportData d) {
        return KEYS.stream().filter(k -> d.groups().stream().anyMatch(g -> d.metrics().stats(g, k.metric()).n() > 0))
                .toList();
    }

    /**
     * One row per group: its label (without the LLM when the run has one), {@code done/all} seeds, the keys' seed
     * means ({@code –} for none).
     */
    static TextGrid grid(ReportData d) {
        List<Key> keys = keys(d);
        boolean oneLlm = d.groups().stream().map(CellGroup::llm).distinct().count() <= 1;
        List<String> header = new ArrayList<>(List.of(oneLlm ? "group (encoder/layers/control)"
                : "group (encoder/llm/layers/control)", "seeds"));
        keys.forEach(k -> header.add(k.header()));
        List<Boolean> right = new ArrayList<>(List.of(false, true));
        keys.forEach(k -> right.add(true));
        List<List<String>> rows = new ArrayList<>();
        for (CellGroup g : d.groups()) {
            List<String> r = new ArrayList<>();
            r.add(oneLlm ? g.encoder() + "/" + g.saeLayers() + "/" + g.control() : g.label());
            r.add(g.done().size() + "/" + g.cells().size());
            keys.forEach(k -> r.add(Fmt.sig(d.metrics().stats(g, k.metric()).mean())));
            rows.add(r);
        }
        return new TextGrid(header, right, rows);
    }
}
