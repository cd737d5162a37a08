package org.vistabench.run.testing;

import java.util.Map;
import org.vistabench.cell.CellContext;
import org.vistabench.eval.MetricProvider;

/** Test-only provider {@code echo}: reads the artefact {@code fake} left for this cell, to pin stage order. */
public final class EchoProvider implements MetricProvider {
    @Override
    public String name() {
        return "echo";
    }

    @Override
    public Map<String, Double> compute(CellContext ctx) {
        Object score = ctx.artefacts().get("fake.score");
        if (score == null) {
            throw new IllegalStateException("echo ran before fake: no artefact fake.score");
        }
        return Map.of("echo.twice", 2 * (Double) score);
    }
}
