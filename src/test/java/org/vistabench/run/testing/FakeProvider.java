package org.vistabench.run.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import org.vistabench.cell.CellContext;
import org.vistabench.eval.MetricProvider;
import org.vistabench.run.CellGlob;
import org.vistabench.spec.Cell;

/**
 * Test-only provider {@code fake}: metrics are a deterministic function of the cell's coordinates (with awkward
 * doubles, to exercise exact round trips). Params: {@code sleep_ms} per cell; {@code fail_on} (cell glob) throws;
 * {@code nan_on} (cell glob) returns NaN for the undeclared {@code fake.score}; {@code undefined_on} (cell glob) returns
 * NaN for {@code fake.maybe}, which this provider declares may be undefined. Every call appends a line to
 * {@code fake-calls.txt} in the cell folder before it sleeps, like a provider's own partial files.
 */
public final class FakeProvider implements MetricProvider {
    public static final String CALLS = "fake-calls.txt";

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public boolean mayBeUndefined(String metric) {
        return metric.equals("fake.maybe");
    }

    @Override
    public Map<String, Double> compute(CellContext ctx) throws Exception {
        Cell c = ctx.cell();
        Files.writeString(ctx.cellDir().resolve(CALLS), "call resume=" + ctx.resume() + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        long sleep = ((Number) ctx.params().getOrDefault("sleep_ms", 0L)).longValue();
        if (sleep > 0) {
            Thread.sleep(sleep);
        }
        if (matches(ctx, "fail_on")) {
            throw new IllegalStateException("fake failure on " + c.id());
        }
        Map<String, Double> m = new TreeMap<>();
        m.put("fake.score", matches(ctx, "nan_on") ? Double.NaN : Math.floorMod(c.id().hashCode(), 1000) / 7.0);
        m.put("fake.seed_third", c.seed() / 3.0);
        m.put("fake.layers", (double) c.saeLayers().length() + (c.encoder().equals("enc-b") ? 0.1 : 0.0));
        m.put("fake.maybe", matches(ctx, "undefined_on") ? Double.NaN : 1e-7 * c.seed());
        ctx.artefacts().put("fake.score", m.get("fake.score"));
        return m;
    }

    private static boolean matches(CellContext ctx, String key) {
        Object glob = ctx.params().get(key);
        return glob != null && CellGlob.parse(glob.toString()).matches(ctx.cell().id());
    }
}
