package org.vistabench.golden;

/** A claim's outcome. Only {@link #PASS} and {@link #KNOWN_FAIL} (and {@link #NOT_EVALUATED} under allow-missing) exit 0. */
public enum Outcome {
    PASS,
    FAIL,
    /** Selected cells or metrics are missing from the table (the explanation says which). */
    NOT_EVALUATED,
    /** The claim carries {@code known_failure} and fails as recorded. */
    KNOWN_FAIL,
    /**
     * The claim carries {@code known_failure} but passes: exits 1 so that someone looks, and either removes the
     * {@code known_failure} or finds out why the numbers moved.
     */
    UNEXPECTED_PASS
}
