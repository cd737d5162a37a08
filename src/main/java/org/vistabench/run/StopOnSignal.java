package org.vistabench.run;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.vistabench.core.StopRequest;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT handlers for the length of a run. The JVM's own handling (shutdown hooks, then exit while the
 * training thread is still inside libtorch) crashed it now and then (SIGSEGV in {@code torchBackward}, exit 134).
 * Instead, the first signal only requests a stop ({@link StopRequest}): the run unwinds at its next safe point (the
 * trainer's next step boundary, with a checkpoint; otherwise the next stage or cell), releases its lock and the CLI
 * exits with 128 + the signal's number once no native code runs. A second signal, or no safe point within
 * {@value #GRACE_SECONDS} s (a long stage with no step boundary: caption, world build), exits at once as before,
 * within the 30 s that Kubernetes and Slurm wait before SIGKILL, so the shutdown hook still releases the lock.
 */
final class StopOnSignal implements AutoCloseable {
    static final int GRACE_SECONDS = 25;
    private static final String[] SIGNALS = {"TERM", "INT"};

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private final PrintStream err;
    private volatile boolean closed;

    private StopOnSignal(PrintStream err) {
        this.err = err;
    }

    /** Installs the handlers (a request left from an earlier run in this JVM is forgotten). */
    static StopOnSignal install(PrintStream err) {
        StopRequest.clear();
        StopOnSignal s = new StopOnSignal(err);
        for (String name : SIGNALS) {
            try {
                Signal sig = new Signal(name);
                s.previous.put(sig, Signal.handle(sig, s::handle));
            } catch (IllegalArgumentException e) {
                // the signal is not available here (e.g. the JVM runs with -Xrs): keep the default
            }
        }
        return s;
    }

    private void handle(Signal sig) {
        String name = "SIG" + sig.getName();
        if (StopRequest.requested()) {
            err.println("vistabench: second signal (" + name + "): exiting now");
            System.exit(StopRequest.exitCode(name));
        }
        StopRequest.request(name);
        err.println("vistabench: " + name + " received: stopping at the next safe point (a training step boundary;"
                + " at most " + GRACE_SECONDS + " s); send it again to exit at once");
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(GRACE_SECONDS * 1000L);
            } catch (InterruptedException e) {
                return;
            }
            if (!closed) {
                err.println("vistabench: no safe point within " + GRACE_SECONDS + " s of " + name + ": exiting now"
                        + " (the interrupted cell is redone on --resume)");
                System.exit(StopRequest.exitCode(name));
            }
        }, "vistabench-stop-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** Restores the previous handlers; the watchdog, if any, stands down. */
    @Override
    public void close() {
        closed = true;
        previous.forEach(Signal::handle);
    }
}
