package org.vistabench.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads and validates a spec file. The YAML is composed into a node tree only (no objects are built from tags), then
 * checked as a whole: a {@link SpecException} lists every problem with {@code file:line:col: key.path: message}.
 */
public final class SpecLoader {
    private SpecLoader() {
    }

    /** Loads a spec, interpolating {@code ${VAR}} from the process environment. */
    public static Spec load(Path file) {
        return load(file, System.getenv());
    }

    /**
     * A spec whose data files may be missing, and the missing ones ({@code validate --check-files} reports them with
     * the missing model files in one list).
     */
    public record Loaded(Spec spec, List<SpecError> missingFiles) {
    }

    /** {@link #load(Path)}, except that missing data files are returned instead of failing the load. */
    public static Loaded loadListingMissingFiles(Path file) {
        SafeYaml.Document doc = SafeYaml.compose(file);
        List<SpecError> missing = new ArrayList<>();
        Spec spec = new SpecReader(file, System.getenv(), missing).read(doc.root(), doc.sha256());
        return new Loaded(spec, List.copyOf(missing));
    }

    /** Loads a spec, interpolating {@code ${VAR}} and {@code ${VAR:-default}} from {@code env}. */
    public static Spec load(Path file, Map<String, String> env) {
        SafeYaml.Document doc = SafeYaml.compose(file);
        return new SpecReader(file, env).read(doc.root(), doc.sha256());
    }
}
