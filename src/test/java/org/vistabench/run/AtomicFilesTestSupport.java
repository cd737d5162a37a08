package org.vistabench.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.vistabench.io.AtomicFiles;

final class AtomicFilesTestSupport {
    private AtomicFilesTestSupport() {
    }

    static void deleteTree(Path p) {
        try {
            AtomicFiles.deleteTree(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
