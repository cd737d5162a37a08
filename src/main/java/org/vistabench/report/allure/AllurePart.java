package org.vistabench.report.allure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.vistabench.io.AtomicFiles;
import org.vistabench.report.ReportInput;
import org.vistabench.report.ReportPart;

/**
 * The {@code allure} report part: {@code out/allure-results/} (see {@link AllureResults}), replaced as a whole so no
 * case of an earlier report lingers; with {@code --html} also the static site {@code out/allure-site/index.html}
 * ({@link AllureSite}). Runs after the tables and figures parts, whose files it attaches to the run's case.
 */
public final class AllurePart implements ReportPart {
    @Override
    public String name() {
        return "allure";
    }

    @Override
    public List<Path> write(ReportInput in, Path out, Options options) throws IOException {
        SortedMap<String, byte[]> files = AllureResults.files(in, out);
        Path dir = out.resolve(AllureResults.DIR);
        Path tmp = AtomicFiles.tempDirectoryBeside(dir);
        try {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Files.write(tmp.resolve(f.getKey()), f.getValue());
            }
            AtomicFiles.replaceDirectory(tmp, dir);
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
        List<Path> written = new ArrayList<>();
        files.keySet().forEach(name -> written.add(Path.of(AllureResults.DIR, name)));
        if (options.html()) {
            AllureSite.build(dir, out.resolve(AllureSite.DIR));
            written.add(Path.of(AllureSite.DIR, "index.html"));
        }
        return written;
    }
}
