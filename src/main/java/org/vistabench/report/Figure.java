package org.vistabench.report;

import java.awt.image.BufferedImage;
import java.util.function.Supplier;

/**
 * One figure of the report: {@code figures/<file>}, what it shows, and how to draw it, or why it is not drawn (its
 * data are absent: a metric the run did not measure, records or images the folder does not hold).
 *
 * @param caption one or two sentences: what is plotted, against what, what the marks mean
 * @param skipped null when the figure is drawn, else why not
 */
record Figure(String file, String title, String caption, String skipped, Supplier<BufferedImage> draw) {
    static Figure drawn(String file, String title, String caption, Supplier<BufferedImage> draw) {
        return new Figure(file, title, caption, null, draw);
    }

    static Figure skipped(String file, String title, String caption, String why) {
        return new Figure(file, title, caption, why, null);
    }

    boolean isDrawn() {
        return skipped == null;
    }
}
