package org.vistabench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One product of {@code vistabench report}: the paper's tables, the figures, the Allure results, the feature
 * dashboard. A part works on partial results (failed or missing cells, absent metrics): it writes what it can and
 * marks the gaps; it never throws for missing data, only for I/O.
 */
public interface ReportPart {
    /** Short name for logs ({@code tables}, {@code figures}, {@code allure}, {@code dashboard}). */
    String name();

    /**
     * Writes this part's files under {@code out} (atomically, deterministic bytes for the same input).
     *
     * @param options the command's options ({@code html}: also build the static Allure site)
     * @return the files written, relative to {@code out}, in a deterministic order
     */
    List<Path> write(ReportInput in, Path out, Options options) throws IOException;

    /** The {@code report} command's options that parts read. */
    record Options(boolean html) {
    }
}
