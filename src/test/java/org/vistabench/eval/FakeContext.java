package org.vistabench.eval;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.vistabench.cell.CellContext;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Spec;

/** A CellContext for provider tests: shared objects in a plain map (which the test may pre-fill). */
final class FakeContext implements CellContext {
    final Spec spec;
    final Cell cell;
    final Path cellDir;
    final Map<String, Object> params;
    final Map<String, Object> shared;
    final Map<String, Object> artefacts = new LinkedHashMap<>();
    final boolean resume;

    FakeContext(Spec spec, Cell cell, Path cellDir, Map<String, Object> params, Map<String, Object> shared,
                boolean resume) {
        this.spec = spec;
        this.cell = cell;
        this.cellDir = cellDir;
        this.params = params;
        this.shared = shared;
        this.resume = resume;
    }

    @Override
    public Spec spec() {
        return spec;
    }

    @Override
    public Cell cell() {
        return cell;
    }

    @Override
    public Path cellDir() {
        return cellDir;
    }

    @Override
    public Map<String, Object> params() {
        return params;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T shared(String key, Supplier<T> make) {
        Object o = shared.get(key);
        if (o == null) {
            o = make.get();
            shared.put(key, o);
        }
        return (T) o;
    }

    @Override
    public Map<String, Object> artefacts() {
        return artefacts;
    }

    @Override
    public boolean resume() {
        return resume;
    }
}
