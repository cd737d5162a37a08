package org.vistabench.core;

/** The exit codes are part of the interface: scripts and CI gates branch on them. */
public final class ExitCodes {
    /** Everything ran and every golden claim holds. */
    public static final int OK = 0;
    /** A golden claim failed, or was not evaluated without {@code --allow-missing}. */
    public static final int CLAIM_FAILED = 1;
    /** The spec, a golden file or the command line is wrong; nothing was written. */
    public static final int USAGE = 2;
    /** A cell failed to run (bad weights, NaN loss, ...); other cells went on. */
    public static final int CELL_FAILED = 3;
    /** An unexpected internal error (a bug): one line, stack trace only with --debug. */
    public static final int INTERNAL = 4;

    private ExitCodes() {
    }
}
