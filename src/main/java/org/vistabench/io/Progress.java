package org.vistabench.io;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarRenderer;
import me.tongfei.progressbar.ProgressState;

/**
 * Progress bars on stderr. On a terminal the bar redraws in place. When stderr is not a terminal (CI logs, a file)
 * redrawing would write every frame into the log, so a long task prints one plain line every
 * {@value #LOG_INTERVAL_MS} ms with its step, rate and ETA ({@link #logLine}), and nothing else: no line at 0 %, none
 * at the end (the stage's own "done in" log line says that), so a task shorter than the interval prints nothing.
 */
public final class Progress {
    static final long LOG_INTERVAL_MS = 30_000;

    private Progress() {
    }

    /** A bar of {@code max} steps; {@code visible = false} gives a bar that renders nowhere. */
    public static ProgressBar bar(String name, long max, boolean visible, boolean showSpeed) {
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(name).setInitialMax(max).setMaxRenderedLength(160);
        if (showSpeed) {
            b.showSpeed();
        }
        if (!visible) {
            b.setConsumer(new ConsoleProgressBarConsumer(new PrintStream(OutputStream.nullOutputStream())));
        } else if (System.console() != null) {
            b.setUpdateIntervalMillis(500).setConsumer(new ConsoleProgressBarConsumer(System.err));
        } else {
            logged(b, LOG_INTERVAL_MS, System.err::println);
        }
        return b.build();
    }

    /** Configures {@code b} for a log: a {@link #logLine} every {@code intervalMs} to {@code out}, nothing else. */
    static ProgressBarBuilder logged(ProgressBarBuilder b, long intervalMs, Consumer<String> out) {
        return b.setUpdateIntervalMillis((int) Math.max(1, Math.min(intervalMs, 1000)))
                .setRenderer(new LogRenderer(intervalMs)).setConsumer(new LineConsumer(out));
    }

    /**
     * One log line: {@code name: 450/1000 (45%), 1.37/s, elapsed 5:28, ETA 6:41}; the rate and ETA are left out
     * before the first step.
     */
    static String logLine(String name, long current, long max, Duration elapsed) {
        StringBuilder sb = new StringBuilder(name).append(": ").append(current);
        if (max > 0) {
            sb.append('/').append(max).append(String.format(Locale.ROOT, " (%d%%)", current * 100 / max));
        }
        double secs = elapsed.toMillis() / 1000.0;
        if (current > 0 && secs > 0) {
            double rate = current / secs;
            sb.append(String.format(Locale.ROOT, ", %.3g/s", rate));
            sb.append(", elapsed ").append(clock(elapsed));
            if (max > current) {
                sb.append(", ETA ").append(clock(Duration.ofMillis((long) ((max - current) / rate * 1000))));
            }
        } else {
            sb.append(", elapsed ").append(clock(elapsed));
        }
        return sb.toString();
    }

    static String clock(Duration d) {
        long s = d.getSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** Renders a line only when {@code intervalMs} passed since the start or the last line, and never at the end. */
    private static final class LogRenderer implements ProgressBarRenderer {
        private final long intervalNanos;
        private long last = System.nanoTime();

        LogRenderer(long intervalMs) {
            this.intervalNanos = intervalMs * 1_000_000L;
        }

        @Override
        public String render(ProgressState s, int maxLength) {
            long now = System.nanoTime();
            if (now - last < intervalNanos || !s.isAlive() || (s.getMax() > 0 && s.getCurrent() >= s.getMax())) {
                return "";
            }
            last = now;
            return logLine(s.getTaskName(), s.getCurrent(), s.getMax(), s.getTotalElapsed());
        }
    }

    /** Passes non-empty renders on as lines. */
    private record LineConsumer(Consumer<String> out) implements ProgressBarConsumer {
        @Override
        public int getMaxRenderedLength() {
            return 160;
        }

        @Override
        public void accept(String rendered) {
            if (!rendered.isEmpty()) {
                out.accept(rendered);
            }
        }

        @Override
        public void close() {
        }
    }
}
