package org.vistabench.spec;

import java.nio.file.Path;
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

    /** Loads a spec, interpolating {@code ${VAR}} and {@code ${VAR:-default}} from {@code env}. */
    public static Spec load(Path file, Map<String, String> env) {
        SafeYaml.Document doc = SafeYaml.compose(file);
        return new SpecReader(file, env).read(doc.root(), doc.sha256());
    }
}
