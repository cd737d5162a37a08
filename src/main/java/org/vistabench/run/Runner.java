package org.vistabench.run;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ProgressBar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vistabench.cell.CellContext;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.StopRequest;
import org.vistabench.core.VistaException;
import org.vistabench.eval.MetricProvider;
import org.vistabench.spec.Cell;
import org.vistabench.spec.Spec;

/**
 * Runs the spec's metric providers over cells, in the order of the keys under {@code metrics:}, and stores each
 * cell's metrics. A cell whose provider throws (or returns a non-finite value it did not declare may be undefined)
 * is marked failed; the other cells go on. Cells already done in the results folder are skipped.
 */
public final class Runner {
    private static final Logger LOG = LoggerFactory.getLogger(Runner.class);
    /** How many metrics the per-stage log line shows before "...". */
    private static final int LOGGED_METRICS = 4;
    /** The key of a cell's stage times that holds the time spent making shared objects (see run.json). */
    public static final String SETUP = "setup";

    /**
     * How to run: {@code resume} is passed to providers; the cells' progress bar goes to stderr when
     * {@code progressBar}; {@code progress} allows the providers' own bars (training steps, features, world build).
     */
    public record Options(boolean resume, boolean progressBar, boolean progress) {
        public Options(boolean resume, boolean progressBar) {
            this(resume, progressBar, true);
        }
    }

    private final Spec spec;
    private final List<MetricProvider> stages;
    /** Seconds spent before the first cell (the memory check, which builds a missing world). */
    private double beforeCells;
    /** Seconds per stage (and {@link #SETUP}) summed over the cells this runner ran, in first-seen order. */
    private final Map<String, Double> totals = new LinkedHashMap<>();

    /**
     * Picks the providers the spec names from {@code available}.
     *
     * @throws VistaException exit 2 naming the key and the known providers when the spec names an unknown one
     */
    public Runner(Spec spec, Collection<MetricProvider> available) {
        this.spec = spec;
        Map<String, MetricProvider> byName = new TreeMap<>();
        for (MetricProvider p : available) {
            MetricProvider clash = byName.put(p.name(), p);
            if (clash != null && clash.getClass() != p.getClass()) {
                throw new VistaException(ExitCodes.INTERNAL, "two metric providers are named '" + p.name() + "': "
                        + clash.getClass().getName() + " and " + p.getClass().getName());
            }
        }
        List<MetricProvider> chosen = new ArrayList<>();
        for (String key : spec.metrics().keySet()) {
            MetricProvider p = byName.get(key);
            if (p == null) {
                throw new VistaException(ExitCodes.USAGE, spec.file() + ": metrics." + key
                        + ": no metric provider named '" + key + "'; known providers: "
                        + (byName.isEmpty() ? "(none)" : String.join(", ", byName.keySet())));
            }
            chosen.add(p);
        }
        if (chosen.isEmpty()) {
            LOG.warn("{} names no metrics: cells will be marked done with no metrics", spec.file());
        }
        this.stages = List.copyOf(chosen);
    }

    /** The spec's providers found on the class path ({@code META-INF/services/org.vistabench.eval.MetricProvider}). */
    public static Runner forSpec(Spec spec) {
        return new Runner(spec, discover());
    }

    public static List<MetricProvider> discover() {
        List<MetricProvider> all = new ArrayList<>();
        ServiceLoader.load(MetricProvider.class).forEach(all::add);
        return all;
    }

    /**
     * Where the time of the cells run so far went, one line: {@code setup} (world build, model loads, features: made
     * once per run) then each stage summed over cells, e.g. {@code time: setup 812.0 s · train 1501.2 s · ...}.
     */
    public String timeBreakdown() {
        List<String> parts = new ArrayList<>();
        if (beforeCells >= 0.05) {
            parts.add(String.format(Locale.ROOT, "before the cells (world build, model shapes) %.1f s", beforeCells));
        }
        if (totals.isEmpty()) {
            parts.add("no cell ran");
            return "time: " + String.join(" · ", parts);
        }
        List<String> order = new ArrayList<>();
        if (totals.containsKey(SETUP)) {
            order.add(SETUP);
        }
        totals.keySet().stream().filter(k -> !k.equals(SETUP) && k.indexOf('.') < 0).forEach(order::add);
        double sum = beforeCells;
        for (String k : order) {
            double v = totals.get(k);
            sum += v;
            // a stage's parts (train.forward, setup.features) in brackets after it; they are inside its time
            List<String> sub = new ArrayList<>();
            totals.forEach((key, s) -> {
                if (key.startsWith(k + ".")) {
                    sub.add(String.format(Locale.ROOT, "%s %.1f", key.substring(k.length() + 1), s));
                }
            });
            parts.add(String.format(Locale.ROOT, "%s %.1f s", k, v) + (sub.isEmpty() ? ""
                    : " (" + String.join(", ", sub) + ")"));
        }
        return "time: " + String.join(" · ", parts) + String.format(Locale.ROOT, " (total %.1f s)", sum);
    }

    /** Records the seconds spent before the cells, for {@link #timeBreakdown}. */
    public void beforeCells(double seconds) {
        beforeCells = seconds;
    }

    /** Provider names in run order. */
    public List<String> stageNames() {
        return stages.stream().map(MetricProvider::name).toList();
    }

    /**
     * Runs {@code cells} (already filtered) into {@code store}, then records the session's end in its manifest.
     *
     * @throws StopRequest.Stopped when a signal asked to stop: seen between cells and stages, and by the trainer at
     *     its step boundaries; the cell it interrupted is left incomplete (not failed) for {@code --resume}
     */
    public RunSummary run(List<Cell> cells, ResultsStore store, Options options) {
        store.register(cells);
        int ok = 0;
        int skipped = 0;
        List<String> failed = new ArrayList<>();
        int n = cells.size();
        try (SharedObjects shared = new SharedObjects(); ProgressBar bar = options.progressBar() ? bar(n) : null) {
            for (int i = 0; i < n; i++) {
                Cell cell = cells.get(i);
                String prefix = "[" + (i + 1) + "/" + n + "] " + cell.id();
                StopRequest.check("before cell " + cell.id() + " (" + (i + 1) + " of " + n + ")");
                ResultsStore.Status before = store.status(cell);
                if (before == ResultsStore.Status.DONE) {
                    LOG.warn("{}: skipped, done in an earlier session", prefix);
                    skipped++;
                } else {
                    if (before == ResultsStore.Status.INCOMPLETE) {
                        LOG.info("{}: redoing an incomplete cell (its files are kept for the providers)", prefix);
                    }
                    if (runCell(cell, prefix, store, shared, options)) {
                        ok++;
                    } else {
                        failed.add(cell.id());
                    }
                }
                if (bar != null) {
                    bar.step();
                }
            }
        }
        RunSummary summary = new RunSummary(ok, failed.size(), skipped, failed);
        store.finish(summary);
        return summary;
    }

    private boolean runCell(Cell cell, String prefix, ResultsStore store, SharedObjects shared, Options options) {
        Path cellDir = store.beginCell(cell);
        Map<String, Object> artefacts = new LinkedHashMap<>();
        Map<String, Double> all = new TreeMap<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        double setup0 = shared.setupSeconds();
        try {
            for (MetricProvider stage : stages) {
                if (StopRequest.requested() && stage != stages.get(0)) {
                    keepSeconds(store, cell, seconds);
                    StopRequest.check("before stage " + stage.name() + " of cell " + cell.id()
                            + " (the cell is left incomplete: --resume redoes it)");
                }
                Map<String, Object> params = spec.metrics().get(stage.name());
                CellContext ctx = new Context(spec, cell, cellDir, params == null ? Map.of() : params, shared,
                        artefacts, options.resume(), options.progress(), seconds);
                long t0 = System.nanoTime();
                double setupBefore = shared.setupSeconds();
                Map<String, Double> m;
                try {
                    m = stage.compute(ctx);
                } catch (Throwable t) {
                    if (t instanceof StopRequest.Stopped stop) {
                        timed(seconds, stage, t0, shared, setupBefore, setup0);
                        keepSeconds(store, cell, seconds);
                        LOG.warn("{} {}: {}", prefix, stage.name(), stop.getMessage());
                        throw stop; // not a failure: the cell stays incomplete for --resume
                    }
                    if (t instanceof VirtualMachineError && !(t instanceof StackOverflowError)) {
                        throw (VirtualMachineError) t; // the JVM itself is in trouble: no point going on
                    }
                    timed(seconds, stage, t0, shared, setupBefore, setup0);
                    keepSeconds(store, cell, seconds);
                    fail(store, cell, prefix, stage, seconds(t0), describe(t), stackTrace(t));
                    return false;
                }
                double own = timed(seconds, stage, t0, shared, setupBefore, setup0);
                String bad = check(stage, m, all);
                if (bad != null) {
                    keepSeconds(store, cell, seconds);
                    fail(store, cell, prefix, stage, seconds(t0), bad, null);
                    return false;
                }
                all.putAll(m);
                double setup = shared.setupSeconds() - setupBefore;
                LOG.info("{} {}: done in {} s{} ({})", prefix, stage.name(), String.format(Locale.ROOT, "%.1f", own),
                        setup >= 0.05 ? String.format(Locale.ROOT, " (+ %.1f s setup: world, models, features)", setup)
                                : "", brief(m));
            }
            keepSeconds(store, cell, seconds);
            store.cellDone(cell, all);
            return true;
        } finally {
            SharedObjects.closeAll(artefacts.values(), "artefact of " + cell.id());
        }
    }

    /** Records a cell's stage times in the store and adds them to the run's totals. */
    private void keepSeconds(ResultsStore store, Cell cell, Map<String, Double> seconds) {
        store.cellSeconds(cell, seconds);
        seconds.forEach((k, v) -> totals.merge(k, v, Double::sum));
    }

    /**
     * Records the stage's own seconds (wall time minus the shared objects made during it) and the cell's running
     * {@code setup} total into {@code seconds}; returns the stage's own seconds.
     */
    private static double timed(Map<String, Double> seconds, MetricProvider stage, long t0, SharedObjects shared,
                                double setupBefore, double setup0) {
        double own = seconds(t0) - (shared.setupSeconds() - setupBefore);
        seconds.put(stage.name(), round(own));
        seconds.put(SETUP, round(shared.setupSeconds() - setup0));
        return own;
    }

    private static double round(double s) {
        return Math.round(s * 1000) / 1000.0;
    }

    /** Why the provider's result cannot be stored, or null when it can. */
    private static String check(MetricProvider stage, Map<String, Double> m, Map<String, Double> earlier) {
        if (m == null) {
            return "provider '" + stage.name() + "' returned no metrics (null)";
        }
        String prefix = stage.name() + ".";
        for (Map.Entry<String, Double> e : new TreeMap<>(m).entrySet()) {
            String k = e.getKey();
            Double v = e.getValue();
            if (!k.startsWith(prefix) || k.length() == prefix.length()) {
                return "provider '" + stage.name() + "' returned metric '" + k + "', expected a name '" + prefix
                        + "<metric>'";
            }
            if (earlier.containsKey(k)) {
                return "metric '" + k + "' was already computed by an earlier stage";
            }
            if (v == null) {
                return "metric " + k + " is null";
            }
            if (!Double.isFinite(v) && !stage.mayBeUndefined(k)) {
                return "metric " + k + " is " + v + " (provider '" + stage.name()
                        + "' does not declare it may be undefined)";
            }
        }
        return null;
    }

    private static void fail(ResultsStore store, Cell cell, String prefix, MetricProvider stage, double secs,
                             String message, String details) {
        String line = stage.name() + ": " + message;
        LOG.error("{} {}: failed after {} s: {}", prefix, stage.name(),
                String.format(Locale.ROOT, "%.1f", secs), message);
        store.cellFailed(cell, line, details);
    }

    private static String describe(Throwable t) {
        String msg = t.getMessage() == null ? "" : t.getMessage().replace('\n', ' ');
        return t instanceof VistaException ? msg : t.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
    }

    private static String stackTrace(Throwable t) {
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        return sw.toString();
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static String brief(Map<String, Double> m) {
        if (m.isEmpty()) {
            return "no metrics";
        }
        String shown = new TreeMap<>(m).entrySet().stream().limit(LOGGED_METRICS)
                .map(e -> e.getKey() + "=" + String.format(Locale.ROOT, "%.4g", e.getValue()))
                .collect(Collectors.joining(" "));
        return m.size() > LOGGED_METRICS ? shown + " ..." : shown;
    }

    private static ProgressBar bar(int n) {
        return org.vistabench.io.Progress.bar("cells", n, true, false);
    }

    /** The {@link CellContext} one provider sees for one cell. */
    private record Context(Spec spec, Cell cell, Path cellDir, Map<String, Object> params, SharedObjects sharedObjects,
                           Map<String, Object> artefacts, boolean resume, boolean progress,
                           Map<String, Double> seconds) implements CellContext {
        @Override
        public <T> T shared(String key, Supplier<T> make) {
            return sharedObjects.get(key, make);
        }

        /** A part of a stage ({@code <stage>.<part>}), kept beside the stage's own seconds. */
        @Override
        public void partSeconds(String part, double s) {
            if (part.indexOf('.') > 0 && Double.isFinite(s)) {
                seconds.merge(part, round(s), (a, b) -> round(a + b));
            }
        }
    }

    /** Per-run objects shared across cells; closed (newest first) when the run ends. */
    static final class SharedObjects implements AutoCloseable {
        private final Map<String, Object> objects = new LinkedHashMap<>();
        private int depth;
        private long makingNanos;

        @SuppressWarnings("unchecked")
        <T> T get(String key, Supplier<T> make) {
            // Not computeIfAbsent: make() may itself ask for another shared object.
            if (objects.containsKey(key)) {
                return (T) objects.get(key);
            }
            long t0 = System.nanoTime();
            depth++;
            T value;
            try {
                value = make.get();
            } finally {
                depth--;
                if (depth == 0) {
                    makingNanos += System.nanoTime() - t0; // outermost only: nested makes are inside it
                }
            }
            objects.put(key, value);
            return value;
        }

        /** Seconds spent making shared objects so far (world build, model loads, features). */
        double setupSeconds() {
            return makingNanos / 1e9;
        }

        @Override
        public void close() {
            closeAll(objects.values(), "shared object");
            objects.clear();
        }

        static void closeAll(Collection<Object> values, String what) {
            List<Object> list = new ArrayList<>(values);
            for (int i = list.size() - 1; i >= 0; i--) {
                if (list.get(i) instanceof AutoCloseable c) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        LOG.warn("cannot close {} {}: {}", what, c.getClass().getSimpleName(), e.getMessage());
                    }
                }
            }
        }
    }
}
