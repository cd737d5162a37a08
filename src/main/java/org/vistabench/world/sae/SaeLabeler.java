package org.vistabench.world.sae;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.vistabench.world.scene.Lexicon;

/**
 * Auto-labels SAE latents from their top-activating tokens and contexts on held-out text, as Neuronpedia-like rows.
 * Each position carries the concepts its context shows (for a grid position: the category, colour and state of the
 * object whose patch it is, or the background; for a caption token: the concept words among it and the three tokens
 * before it). A latent whose top activations share one concept in at least half of them is labelled with that concept;
 * otherwise it is described by its top tokens only. A label "names a world concept" when its description contains a
 * category, colour, state or background word (canonical or synonym).
 */
public final class SaeLabeler {
    /** One held-out position: its token, the concept words its context shows, and a short context string. */
    public record Position(String token, Set<String> concepts, String context) {
    }

    /** A labelled latent (live latents only; a dead latent gets no row). */
    public record Label(int index, String description, String concept, String conceptKind, double conceptShare,
                        double density, List<Map<String, Object>> topTokens, List<String> topContexts,
                        double maxActivation) {
    }

    /** Labels of one layer's SAE and the share of live latents whose label names a world concept. */
    public record Result(List<Label> labels, int live, int namingConcept) {
        public double conceptShare() {
            return live == 0 ? 0 : namingConcept / (double) live;
        }

        /** Live latents whose top activations share one concept (a stricter figure than {@link #conceptShare}). */
        public int dominantConcept() {
            int n = 0;
            for (Label l : labels) {
                if (l.concept() != null) {
                    n++;
                }
            }
            return n;
        }
    }

    private static final int TOP = 24;
    private static final double MIN_SHARE = 0.5;

    private SaeLabeler() {
    }

    /**
     * @param acts JumpReLU activations, {@code positions.size() * width}, row-major
     */
    public static Result label(float[] acts, int width, List<Position> positions, Lexicon lex) {
        int n = positions.size();
        List<Label> out = new ArrayList<>();
        int naming = 0;
        for (int j = 0; j < width; j++) {
            int active = 0;
            List<int[]> idx = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                if (acts[t * width + j] > 0) {
                    active++;
                    idx.add(new int[] {t});
                }
            }
            if (active == 0) {
                continue;
            }
            final int col = j;
            idx.sort(Comparator.<int[]>comparingDouble(a -> -acts[a[0] * width + col]).thenComparingInt(a -> a[0]));
            List<int[]> top = idx.subList(0, Math.min(TOP, idx.size()));
            Map<String, Integer> tokenCounts = new TreeMap<>();
            Map<String, Integer> conceptCounts = new TreeMap<>();
            List<String> contexts = new ArrayList<>();
            for (int[] a : top) {
                Position p = positions.get(a[0]);
                tokenCounts.merge(p.token(), 1, Integer::sum);
                for (String c : p.concepts()) {
                    conceptCounts.merge(c, 1, Integer::sum);
                }
                if (contexts.size() < 5) {
                    contexts.add(p.context());
                }
            }
            String best = null;
            int bestCount = 0;
            for (Map.Entry<String, Integer> e : conceptCounts.entrySet()) {
                if (e.getValue() > bestCount) {
                    best = e.getKey();
                    bestCount = e.getValue();
                }
            }
            double share = bestCount / (double) top.size();
            List<Map.Entry<String, Integer>> toks = new ArrayList<>(tokenCounts.entrySet());
            toks.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
            List<Map<String, Object>> topTokens = new ArrayList<>();
            List<String> tokenWords = new ArrayList<>();
            for (Map.Entry<String, Integer> e : toks.subList(0, Math.min(5, toks.size()))) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("token", e.getKey());
                m.put("count", e.getValue());
                topTokens.add(m);
                tokenWords.add("'" + e.getKey() + "'");
            }
            String description;
            String concept = null;
            String kind = null;
            if (best != null && share >= MIN_SHARE) {
                concept = best;
                kind = lex.concept(best).map(c -> c.kind().name().toLowerCase(Locale.ROOT)).orElse("word");
                description = best + " (" + kind + "; top tokens " + String.join(", ", tokenWords) + ")";
            } else {
                description = "tokens " + String.join(", ", tokenWords);
            }
            if (namesConcept(description, lex)) {
                naming++;
            }
            out.add(new Label(j, description, concept, kind, share, active / (double) n, topTokens, contexts,
                    acts[top.get(0)[0] * width + j]));
        }
        return new Result(out, out.size(), naming);
    }

    /** True when the text contains a category, colour, state or background word as a whole word. */
    public static boolean namesConcept(String description, Lexicon lex) {
        for (String w : description.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
            if (!w.isEmpty() && lex.concept(w).isPresent()) {
                return true;
            }
        }
        return false;
    }
}
