package org.vistabench.eval;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.vistabench.cell.DataBundle;
import org.vistabench.score.Concept;

/**
 * The lexicon judge: the concepts a latent's label names are the lexicon words it contains (canonical names and
 * synonyms, case-insensitive), ignoring text in parentheses: the mini world's labels read
 * {@code "pizza (category; top tokens 'pizza', 'is', 'blue')"}, where the parenthesis is evidence, not the label.
 * A label that lists tokens ({@code "tokens 'and', 'cat'"}) names each concept word it lists; the shuffled-image
 * baseline measures how often such generous labels match by chance. An answer names the objects whose words
 * (synonyms included) it contains.
 */
public final class LexiconJudge implements Judge {
    private final DataBundle data;

    public LexiconJudge(DataBundle data) {
        this.data = data;
    }

    @Override
    public Set<Concept> named(String label) {
        Set<Concept> out = new TreeSet<>();
        String outside = label.replaceAll("\\([^()]*\\)", " ");
        for (String w : outside.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) {
                data.conceptOf(w).ifPresent(out::add);
            }
        }
        return out;
    }

    @Override
    public Set<String> objectsNamed(String answer) {
        return CaptionProvider.objectsNamed(data, answer);
    }
}
