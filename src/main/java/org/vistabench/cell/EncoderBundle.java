package org.vistabench.cell;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.vistabench.data.feature.FeatureCache;
import org.vistabench.model.vision.ImageProcessor;
import org.vistabench.model.vision.VisionEncoder;
import org.vistabench.model.vision.VisionLoader;
import org.vistabench.tensor.NdArrays;

/**
 * A frozen vision encoder with its preprocessing and the spec's layer / token choice: one per encoder id per run.
 *
 * @param layer       HF hidden-state index (−1 = last, −2 = LLaVA's choice)
 * @param tokens      {@code patch} (CLS dropped) or {@code all}
 * @param weightsHash {@link FeatureCache#hashModelFiles} of the folder (weights, config, preprocessor config)
 */
public record EncoderBundle(String id, Path dir, NDManager manager, VisionEncoder encoder, ImageProcessor processor,
                            int layer, String tokens, String weightsHash) implements AutoCloseable {

    public static EncoderBundle load(String id, Path dir, int layer, String tokens, Device device) {
        NDManager m = NDManager.newBaseManager(device);
        try {
            VisionEncoder enc = VisionLoader.load(dir, m);
            return new EncoderBundle(id, dir, m, enc, ImageProcessor.forModel(dir), layer,
                    tokens == null ? "patch" : tokens, FeatureCache.hashModelFiles(dir));
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }

    /** The features of some images: {@code [n, tokens, hidden]} as one block. */
    public FeatureCache.Block features(List<BufferedImage> images) {
        JniUtils.setGradMode(false);
        try (NDManager sm = manager.newSubManager()) {
            NDArray px = processor.processBatch(sm, images);
            NDArray h = encoder.hiddenState(px, layer);
            NDArray sel = "all".equals(tokens) ? h : VisionEncoder.patchTokens(h, encoder.hasCls());
            long[] s = sel.getShape().getShape();
            return new FeatureCache.Block(NdArrays.toFloats(sel), (int) s[1], (int) s[2]);
        }
    }

    @Override
    public void close() {
        encoder.close();
        manager.close();
    }
}
