package org.vistabench.spec;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean" for misspelt keys and enum values. */
final class Suggest {
    private Suggest() {
    }

    /** The closest candidate when it is close enough to be a plausible typo. */
    static Optional<String> closest(String word, Collection<String> candidates) {
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
        // Short words tolerate one edit, longer ones two or three: "lamda_sae" -> "lambda_sae", "scael" -> "scale",
        // but "base" does not become "name".
        int allowed = word.length() <= 4 ? 1 : word.length() <= 8 ? 2 : 3;
        if (best != null && bestDistance <= allowed) {
            return Optional.of(best);
        }
        // A word that extends a candidate ("golden_file" -> "golden") or is cut short ("enc" -> "encoders").
        for (String c : candidates) {
            String cl = c.toLowerCase(Locale.ROOT);
            if (Math.min(cl.length(), lower.length()) >= 3 && (lower.startsWith(cl) || cl.startsWith(lower))) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    static String didYouMean(String word, Collection<String> candidates) {
        return closest(word, candidates).map(c -> " (did you mean \"" + c + "\"?)").orElse("");
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
