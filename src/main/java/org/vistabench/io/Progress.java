package org.vistabench.io;

import java.io.OutputStream;
import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars on stderr. On a terminal the bar redraws in place; when stderr is not a terminal (CI logs, a file)
 * redrawing would write every frame into the log, so the bar prints one plain line every {@value #LOG_INTERVAL_MS} ms.
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
            b.setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis((int) LOG_INTERVAL_MS)
                    .setConsumer(new DelegatingProgressBarConsumer(System.err::println, 160));
        }
        return b.build();
    }
}
