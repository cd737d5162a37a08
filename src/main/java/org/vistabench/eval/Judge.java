package org.vistabench.eval;

import java.util.Map;
import java.util.Set;
import org.vistabench.score.Concept;

/**
 * What the measures ask a judge: which concepts a latent's label names ({@code match_rate}, {@code localization}),
 * and which objects a model's answer says the image shows ({@code steering}). Both questions are independent of any
 * one image: the measures intersect the answer with an image's concepts (and, for the shuffled baseline, another
 * image's), so a label is judged once however many images pick its latent.
 *
 * <p>Two judges: {@link LexiconJudge} (the default; the data's words and synonyms, exact and offline) and
 * {@link LlmJudge} (an OpenAI-compatible chat server, spec section {@code judge:}, cached in the results folder).
 * {@link Judges#of} picks the spec's.
 */
public interface Judge {
    /** The concepts a latent's label names (a subset of the judge's vocabulary), in {@link Concept} order. */
    Set<Concept> named(String label);

    /** The canonical object names an answer says the image shows, sorted. */
    Set<String> objectsNamed(String answer);

    /**
     * Measurements of the judging itself, named {@code <provider>.judge_*}; empty for a judge that cannot fail (so a
     * lexicon-judged run's metrics are unchanged).
     */
    default Map<String, Double> metrics(String provider) {
        return Map.of();
    }
}
