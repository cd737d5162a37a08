package org.vistabench.core;

/**
 * A process-wide request to stop at the next safe point, set when the run receives SIGTERM or SIGINT (Slurm and
 * Kubernetes preemption send SIGTERM). Long loops poll {@link #requested()} at their natural boundaries (the trainer at
 * every step, the runner between stages and cells) and end by throwing {@link Stopped}, so that the JVM exits only
 * after native code (libtorch's forward and backward) has returned: exiting while a libtorch thread runs crashed the
 * JVM (SIGSEGV in {@code torchBackward}).
 */
public final class StopRequest {
    private static volatile String signal;

    private StopRequest() {
    }

    /** Records that {@code signalName} (e.g. {@code SIGTERM}) asked the process to stop; the first request wins. */
    public static synchronized void request(String signalName) {
        if (signal == null) {
            signal = signalName;
        }
    }

    public static boolean requested() {
        return signal != null;
    }

    /** The signal that asked to stop, or null. */
    public static String signal() {
        return signal;
    }

    /** Forgets a request (a new run in the same JVM starts clean; tests). */
    public static synchronized void clear() {
        signal = null;
    }

    /** Throws {@link Stopped} saying {@code where} (e.g. "between cells") when a stop was requested. */
    public static void check(String where) {
        String s = signal;
        if (s != null) {
            throw new Stopped(s, where);
        }
    }

    /** The conventional exit status of a process ended by a signal: 128 + its number (SIGTERM 143, SIGINT 130). */
    public static int exitCode(String signalName) {
        return 128 + switch (signalName) {
            case "SIGINT" -> 2;
            case "SIGHUP" -> 1;
            default -> 15;
        };
    }

    /**
     * The unwinding of a requested stop: not a failure. Whatever the stop interrupted is left incomplete on disk
     * (with its checkpoint, if it had one) for {@code --resume}.
     */
    public static final class Stopped extends VistaException {
        private final String signalName;
        private final String where;

        /** @param where where the work stopped, e.g. "after step 23 of 200 of cell X; checkpoint written" */
        public Stopped(String signalName, String where) {
            super(StopRequest.exitCode(signalName), "stopped by " + signalName + " " + where);
            this.signalName = signalName;
            this.where = where;
        }

        public String signalName() {
            return signalName;
        }

        public String where() {
            return where;
        }
    }
}
