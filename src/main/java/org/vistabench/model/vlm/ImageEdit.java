package org.vistabench.model.vlm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Set;
import java.util.function.BiFunction;
import org.vistabench.model.lm.ResidualHook;
import org.vistabench.tensor.NdArrays;

/**
 * A residual intervention at chosen image positions × layers: at each layer of {@code layers}, the block output at
 * sequence positions {@code imageStart + p} for {@code p} in {@code patches} is replaced by
 * {@code edit(layer, residual)} (computed on the whole {@code [B,T,D]} residual; only those positions are taken from
 * it). Every other position and layer is left bit-for-bit alone, so an edit at no patches changes nothing. Chunks of
 * another length than the prompt (cached generation steps) are left alone: the edit applies to the prefill.
 */
public final class ImageEdit {
    private ImageEdit() {
    }

    public static ResidualHook at(Set<Integer> layers, int imageStart, int promptLength, Set<Integer> patches,
                                  BiFunction<Integer, NDArray, NDArray> edit) {
        return (layer, x) -> {
            if (!layers.contains(layer) || patches.isEmpty() || x.getShape().get(1) != promptLength) {
                return x;
            }
            int[] keep = new int[promptLength];
            for (int p : patches) {
                keep[imageStart + p] = 1;
            }
            // DJL's where does not broadcast the condition: expand [1,T,1] to [B,T,D]
            NDArray where = NdArrays.ownedInts(x.getManager(), keep, new Shape(1, promptLength, 1))
                    .toType(DataType.BOOLEAN, false).broadcast(x.getShape());
            return NDArrays.where(where, edit.apply(layer, x), x);
        };
    }
}
