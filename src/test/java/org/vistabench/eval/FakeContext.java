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

    /**
     * Runs {@code train} then each of {@code measures} on one cell as the runner does (each provider with its spec
     * params, artefacts handed on), closes the trained projector and returns every metric. The caller closes
     * {@code shared}.
     */
    static Map<String, Double> trainThenMeasure(Spec spec, Cell cell, Path dir, Map<String, Object> shared,
                                                java.util.List<String> measures) throws Exception {
        Map<String, Double> m = new LinkedHashMap<>();
        FakeContext train = new FakeContext(spec, cell, dir, spec.metrics().get("train"), shared, false);
        m.putAll(new TrainProvider().compute(train));
        for (String name : measures) {
            FakeContext ctx = new FakeContext(spec, cell, dir, spec.metrics().get(name), shared, false);
            ctx.artefacts.putAll(train.artefacts);
            MetricProvider p = java.util.ServiceLoader.load(MetricProvider.class).stream()
                    .map(java.util.ServiceLoader.Provider::get).filter(x -> x.name().equals(name)).findFirst()
                    .orElseThrow();
            m.putAll(p.compute(ctx));
            train.artefacts.putAll(ctx.artefacts);
        }
        ((AutoCloseable) train.artefacts.get(org.vistabench.cell.TrainedCell.KEY)).close();
        return m;
    }

    /**
     * {@link #trainThenMeasure} on the mini fixture's cell {@code enc__lm__early__none__s3} (folder
     * {@code root/cells/<id>}), with the fixture's 12 + 6 image data; every shared object is closed afterwards.
     */
    static Map<String, Double> onMiniCell(Spec spec, Path root, java.util.List<String> measures) throws Exception {
        Map<String, Object> shared = new LinkedHashMap<>();
        shared.put("data", MiniFixture.data(12, 6));
        try {
            Cell cell = Cell.of("enc", "lm", "early", "none", 3);
            Path dir = java.nio.file.Files.createDirectories(root.resolve("cells").resolve(cell.id()));
            return trainThenMeasure(spec, cell, dir, shared, measures);
        } finally {
            for (Object o : shared.values()) {
                if (o instanceof AutoCloseable a) {
                    a.close();
                }
            }
        }
    }

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
