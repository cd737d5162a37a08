package org.vistabench.score;

import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a steered answer did what its task asked, judged on the object names found in the unsteered and steered
 * answers (by whatever judge read them) or on a yes/no answer:
 * <ul>
 *   <li>removal: the object is no longer named, and every other object the unsteered answer named still is;</li>
 *   <li>replacement: the target is named and the object is not;</li>
 *   <li>attribute: the answer to the attribute's yes/no question flips.</li>
 * </ul>
 */
public final class SteeringJudge {
    /** The verdict and, for a failure, which condition failed (for the per-sample records). */
    public record Verdict(boolean success, String why) {
    }

    private SteeringJudge() {
    }

    public static Verdict removal(Set<String> before, Set<String> after, String object) {
        if (after.contains(object)) {
            return new Verdict(false, "still names " + object);
        }
        Set<String> lost = new TreeSet<>(before);
        lost.remove(object);
        lost.removeAll(after);
        if (!lost.isEmpty()) {
            return new Verdict(false, "also lost " + String.join(", ", lost));
        }
        return new Verdict(true, "removed " + object);
    }

    public static Verdict replacement(Set<String> after, String object, String target) {
        if (after.contains(object)) {
            return new Verdict(false, "still names " + object);
        }
        if (!after.contains(target)) {
            return new Verdict(false, "does not name " + target);
        }
        return new Verdict(true, "replaced " + object + " by " + target);
    }

    /** Both answers normalised (lower case, punctuation dropped) before they are compared. */
    public static Verdict attribute(String before, String after) {
        String b = yesNo(before);
        String a = yesNo(after);
        if (b == null || a == null) {
            return new Verdict(false, "not a yes/no answer: \"" + (b == null ? before : after) + "\"");
        }
        return a.equals(b) ? new Verdict(false, "still " + a) : new Verdict(true, "flipped " + b + " -> " + a);
    }

    static String yesNo(String answer) {
        String w = answer.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z ]", " ").strip();
        return w.equals("yes") || w.equals("no") ? w : null;
    }
}
