package org.vistabench.model.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Edits the residual stream: called with the output of every block ({@code resid_post}, [B,T,D]) and returns what
 * the next block sees. Return the argument itself to leave a block alone. The forward pass stays differentiable
 * through whatever the hook computes.
 *
 * <p>With a KV cache (generation) the hook sees each chunk as it is processed: first the whole prompt [1,T,D], then
 * one [1,1,D] step per generated token.
 */
@FunctionalInterface
public interface ResidualHook {
    NDArray apply(int layer, NDArray residPost);

    /** Applies {@code edit} to the output of block {@code layer} only. */
    static ResidualHook onLayer(int layer, UnaryOperator<NDArray> edit) {
        return (l, x) -> l == layer ? edit.apply(x) : x;
    }

    /**
     * Replaces the output of block {@code layer} at the positions where {@code positions} ([B,T], 1 = edit, 0 = keep,
     * any numeric type) is set by {@code edit(x)}; other positions keep the block's output. Chunks whose length
     * differs from {@code positions}' (cached generation steps) are left alone.
     */
    static ResidualHook atPositions(int layer, NDArray positions, UnaryOperator<NDArray> edit) {
        return (l, x) -> {
            if (l != layer || x.getShape().get(1) != positions.getShape().get(1)) {
                return x;
            }
            // DJL's where does not broadcast the condition: expand [B,T] to [B,T,D]
            NDArray keep = positions.toType(DataType.BOOLEAN, false).expandDims(2).broadcast(x.getShape());
            return NDArrays.where(keep, edit.apply(x), x);
        };
    }

    /**
     * One hook per batch row (null: leave that row alone) for chunks of {@code promptLength} positions: row r of the
     * block output is edited by {@code rows.get(r)} exactly as that hook would edit a batch of one. Chunks of other
     * lengths (cached generation steps) pass untouched. Null when every row's hook is null.
     */
    static ResidualHook perRow(List<ResidualHook> rows, int promptLength) {
        if (rows.stream().allMatch(Objects::isNull)) {
            return null;
        }
        return (layer, x) -> {
            if (x.getShape().get(1) != promptLength) {
                return x;
            }
            if (x.getShape().get(0) != rows.size()) {
                throw new IllegalArgumentException("batch " + x.getShape().get(0) + " but " + rows.size()
                        + " row hooks");
            }
            NDList parts = new NDList(rows.size());
            boolean changed = false;
            for (int r = 0; r < rows.size(); r++) {
                NDArray xr = x.get(new NDIndex("{}:{}", r, r + 1));
                NDArray y = rows.get(r) == null ? xr : rows.get(r).apply(layer, xr);
                changed |= y != xr;
                parts.add(y);
            }
            return changed ? NDArrays.concat(parts, 0) : x;
        };
    }
}
