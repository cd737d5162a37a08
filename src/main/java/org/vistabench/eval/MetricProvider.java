package org.vistabench.eval;

import java.util.Map;
import org.vistabench.cell.CellContext;

/**
 * A stage that computes metrics for one cell. Found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/org.vistabench.eval.MetricProvider}); selected by its {@link #name()} under {@code metrics:}
 * in the spec, and run in the spec's order.
 */
public interface MetricProvider {
    /** The key under {@code metrics:}, e.g. {@code train}. */
    String name();

    /**
     * Computes this provider's metrics for the cell. Names are {@code <provider>.<metric>} (e.g.
     * {@code train.ce_final}); values may be NaN only when the metric is undefined, never to hide a failure: throw.
     */
    Map<String, Double> compute(CellContext ctx) throws Exception;

    /**
     * Whether {@code metric} may legitimately be NaN or infinite (e.g. a rate over zero matched images). The runner
     * fails a cell whose provider returns a non-finite value it did not declare here, so a diverged loss cannot pass
     * as a number.
     */
    default boolean mayBeUndefined(String metric) {
        return false;
    }
}
