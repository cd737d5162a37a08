package org.vistabench.golden;

/**
 * One claim of a golden file.
 *
 * @param source where in the paper (or design) the claim comes from
 * @param baseline a metric subtracted cell by cell before anything else, or null
 * @param select the {@code for:} selection; {@code control} is already defaulted to {@code none}
 * @param knownFailure why the claim is known not to reproduce, or null
 * @param note free text, or null
 * @param line where the claim starts in its file (1-based)
 */
public record Claim(String id, String source, String metric, String baseline, Selector select, Expectation expect,
                    String knownFailure, String note, int line) {
    /** The quantity evaluated, e.g. {@code caption.recall} or {@code caption.recall - caption.recall_shuffled}. */
    public String quantity() {
        return baseline == null ? metric : metric + " - " + baseline;
    }
}
