package org.vistabench.spec;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" for misspelt keys and enum values, here and in golden files. */
public final class Suggest {
    private Suggest() {
    }

    /** The closest candidate when it is close enough to be a plausible typo. */
    public static Optional<String> closest(String word, Collection<String> candidates) {
        // Short words tolerate one edit, longer ones two or three: "lamda_sae" -> "lambda_sae", "scael" -> "scale",
        // but "base" does not become "name".
        int allowed = word.length() <= 4 ? 1 : word.length() <= 8 ? 2 : 3;
        Optional<String> near = closest(word, candidates, allowed);
        if (near.isPresent()) {
            return near;
        }
        // A word that extends a candidate ("golden_file" -> "golden") or is cut short ("enc" -> "encoders").
        String lower = word.toLowerCase(Locale.ROOT);
        for (String c : candidates) {
            String cl = c.toLowerCase(Locale.ROOT);
            if (Math.min(cl.length(), lower.length()) >= 3 && (lower.startsWith(cl) || cl.startsWith(lower))) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The first closest candidate, ignoring case, when at most {@code maxDistance} edits away (no prefix rule). */
    public static Optional<String> closest(String word, Collection<String> candidates, int maxDistance) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String lower = word.toLowerCase(Locale.ROOT);
        for (String c : candidates) {
            int d = distance(lower, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best != null && bestDistance <= maxDistance ? Optional.of(best) : Optional.empty();
    }

    /** Levenshtein distance where swapping two neighbouring letters also costs one edit (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
