package org.vistabench.model.sae;

import java.util.Locale;
import java.util.Set;

/**
 * Which SAE to take per layer when a repository holds several (the spec's {@code llms[].saes} keys {@code width},
 * {@code l0}, {@code position}, {@code expansion}). Every field is nullable ("no preference").
 *
 * @param layers only these layers (null: every layer found). Loading all 26 Gemma-2-2B layers at width 16k costs
 *     ~300 MB each, so a run can load only the layers it uses.
 * @param width Gemma Scope {@code width_<width>} folder name suffix, e.g. {@code "16k"} (null: the only one)
 * @param l0 Gemma Scope: which {@code average_l0_K} (or {@code canonical}) folder of a width (null: {@code canonical}
 *     if present, else the only {@code average_l0_K})
 * @param position Llama Scope position letter(s): R, A, M or TC (null: R, the residual stream)
 * @param expansion Llama Scope expansion factor, 8 or 32 (null: the only one)
 */
public record SaeChoice(Set<Integer> layers, String width, L0 l0, String position, Integer expansion) {
    public SaeChoice {
        layers = layers == null ? null : Set.copyOf(layers);
    }

    /**
     * A Gemma Scope L0 choice: {@code canonical} (the {@code canonical/} folder of Google's {@code *-canonical}
     * repos), {@code K} (exactly {@code average_l0_K}) or {@code closest:K} (the nearest K; ties: the smaller).
     */
    public record L0(Kind kind, double k) {
        public enum Kind { CANONICAL, EXACT, CLOSEST }

        public static final String FORMS = "canonical | K | closest:K";

        public static L0 canonical() {
            return new L0(Kind.CANONICAL, Double.NaN);
        }

        public static L0 exact(int k) {
            return new L0(Kind.EXACT, k);
        }

        public static L0 closest(double k) {
            return new L0(Kind.CLOSEST, k);
        }

        /** Parses the spec's text; a bad one → IllegalArgumentException whose message says what was expected. */
        public static L0 parse(String text) {
            String t = text.trim().toLowerCase(Locale.ROOT);
            if (t.equals("canonical")) {
                return canonical();
            }
            try {
                if (t.startsWith("closest:")) {
                    double k = Double.parseDouble(t.substring("closest:".length()).trim());
                    if (k >= 0 && Double.isFinite(k)) {
                        return closest(k);
                    }
                } else if (t.matches("\\d{1,9}")) {
                    return exact(Integer.parseInt(t));
                }
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
            throw new IllegalArgumentException("expected " + FORMS + " (K a non-negative integer), got \"" + text
                    + "\"");
        }

        @Override
        public String toString() {
            return switch (kind) {
                case CANONICAL -> "canonical";
                case EXACT -> String.valueOf((long) k);
                case CLOSEST -> "closest:" + (k == Math.rint(k) ? String.valueOf((long) k) : String.valueOf(k));
            };
        }
    }

    public static SaeChoice defaults() {
        return new SaeChoice(null, null, null, null, null);
    }

    public SaeChoice withLayers(Set<Integer> only) {
        return new SaeChoice(only, width, l0, position, expansion);
    }

    /** The {@code average_l0_K} closest to {@code l0} (ties: the smaller K). */
    public SaeChoice withTargetL0(double target) {
        return withL0(L0.closest(target));
    }

    public SaeChoice withL0(L0 choice) {
        return new SaeChoice(layers, width, choice, position, expansion);
    }

    public SaeChoice withWidth(String w) {
        return new SaeChoice(layers, w, l0, position, expansion);
    }

    public SaeChoice withPosition(String p) {
        return new SaeChoice(layers, width, l0, p, expansion);
    }

    public SaeChoice withExpansion(Integer e) {
        return new SaeChoice(layers, width, l0, position, e);
    }
}
