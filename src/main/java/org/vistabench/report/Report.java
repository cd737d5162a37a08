package org.vistabench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.vistabench.io.AtomicFiles;

/** Runs report parts in order over one input; a part's I/O failure stops the report (exit 4 upstream). */
public final class Report {
    private Report() {
    }

    /** What one part wrote. */
    public record Written(String part, List<Path> files) {
    }

    /**
     * The parts of this package, in order: the paper tables, the figures, then summary.md (which links both). They
     * come before the parts that attach or read their files (Allure); {@code run.ReportParts} lists them all.
     */
    public static List<ReportPart> paperParts() {
        return List.of(new PaperTables(), new Figures(), new SummaryMarkdown());
    }

    /** Writes a folder's files into a given (temporary) folder; returns their names in order. */
    interface FolderContent {
        List<String> write(Path into) throws IOException;
    }

    /**
     * Rebuilds {@code out/<name>} as a whole: its content is written into a temp folder beside it that then replaces
     * it, so that a file an older report wrote does not linger and a reader never sees half a folder.
     *
     * @return the files written, relative to {@code out}
     */
    static List<Path> rebuild(Path out, String name, FolderContent content) throws IOException {
        Path dir = out.resolve(name);
        Path tmp = AtomicFiles.tempDirectoryBeside(dir);
        try {
            List<String> files = content.write(tmp);
            AtomicFiles.replaceDirectory(tmp, dir);
            return files.stream().map(f -> Path.of(name, f)).toList();
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
    }

    public static List<Written> write(ReportInput in, Path out, ReportPart.Options options, List<ReportPart> parts) {
        List<Written> all = new ArrayList<>();
        for (ReportPart p : parts) {
            try {
                all.add(new Written(p.name(), p.write(in, out, options)));
            } catch (IOException e) {
                throw new UncheckedIOException("report " + p.name() + ": " + e.getMessage(), e);
            }
        }
        return all;
    }
}
