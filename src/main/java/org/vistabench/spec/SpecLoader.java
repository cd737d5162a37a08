package org.vistabench.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads and validates a spec file. The YAML is composed into a node tree only (no objects are built from tags), then
 * checked as a whole: a {@link SpecException} lists every problem with {@code file:line:col: key.path: message}.
 * Command-line {@link Overrides} are applied to the tree before it is checked; a problem in one names the argument.
 */
public final class SpecLoader {
    private SpecLoader() {
    }

    /** Loads a spec, interpolating {@code ${VAR}} from the process environment. */
    public static Spec load(Path file) {
        return load(file, System.getenv(), Overrides.none());
    }

    /** Loads a spec with {@code --set} / {@code --limit} overrides, interpolating from the process environment. */
    public static Spec load(Path file, Overrides overrides) {
        return load(file, System.getenv(), overrides);
    }

    /**
     * A spec whose data files may be missing, and the missing ones ({@code validate --check-files} reports them with
     * the missing model files in one list).
     */
    public record Loaded(Spec spec, List<SpecError> missingFiles) {
    }

    /** {@link #load(Path)}, except that missing data files are returned instead of failing the load. */
    public static Loaded loadListingMissingFiles(Path file) {
        return loadListingMissingFiles(file, Overrides.none());
    }

    /** {@link #loadListingMissingFiles(Path)} with overrides; a problem in one names the argument. */
    public static Loaded loadListingMissingFiles(Path file, Overrides overrides) {
        SafeYaml.Document doc = SafeYaml.compose(file);
        List<SpecError> missing = new ArrayList<>();
        try {
            Node root = overrides.apply(doc.root(), file.toString());
            Spec spec = new SpecReader(file, System.getenv(), missing).read(root, doc.sha256());
            return new Loaded(spec, overrides.relocate(List.copyOf(missing)));
        } catch (SpecException e) {
            throw overrides.relocate(e);
        }
    }

    /** Loads a spec, interpolating {@code ${VAR}} and {@code ${VAR:-default}} from {@code env}. */
    public static Spec load(Path file, Map<String, String> env) {
        return load(file, env, Overrides.none());
    }

    /**
     * Loads a spec with overrides. {@link Spec#sha256()} stays the hash of the file's bytes: the overrides are part of
     * a run's identity beside it ({@link Overrides#canonical()}), not folded into it.
     */
    public static Spec load(Path file, Map<String, String> env, Overrides overrides) {
        SafeYaml.Document doc = SafeYaml.compose(file);
        try {
            Node root = overrides.apply(doc.root(), file.toString());
            return new SpecReader(file, env).read(root, doc.sha256());
        } catch (SpecException e) {
            throw overrides.relocate(e);
        }
    }
}
