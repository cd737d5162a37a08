package org.vistabench.model.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/** Load-time weight reshuffles. */
final class Weights {
    private Weights() {
    }

    /** w · s, freeing w (load time only, so a Java scalar is fine). */
    static NDArray scaled(NDArray w, float s) {
        NDArray r = w.mul(s);
        w.close();
        return r;
    }

    /** Stacks [out_i, in] projection weights into one [Σout_i, in] (so x·Wᵀ gives the outputs side by side). */
    static NDArray concatRows(NDArray... parts) {
        NDArray r = NDArrays.concat(new NDList(parts), 0);
        for (NDArray p : parts) {
            p.close();
        }
        return r;
    }
}
