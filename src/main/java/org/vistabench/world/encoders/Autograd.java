package org.vistabench.world.encoders;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.function.Supplier;

/**
 * Records one forward and runs its backward on the calling thread. DJL's {@code GradientCollector} allows only one
 * collector per JVM (a static flag), which would forbid training two encoders on two threads; torch's grad mode is
 * thread-local, so setting it directly is safe per thread.
 */
final class Autograd {
    private Autograd() {
    }

    /** Runs {@code forward} with grad mode on, back-propagates its scalar result, and returns its value. */
    static float lossAndBackward(Supplier<NDArray> forward) {
        boolean prev = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try {
            NDArray loss = forward.get();
            NDArray ones = loss.onesLike();
            JniUtils.backward((PtNDArray) loss, (PtNDArray) ones, false, false);
            return loss.getFloat();
        } finally {
            JniUtils.setGradMode(prev);
        }
    }
}
