package org.vistabench.world.encoders;

import java.nio.file.Path;
import java.util.Map;
import org.vistabench.VistaException;
import org.vistabench.cli.ExitCodes;

/**
 * Trains the mini world's three vision encoders and writes them in Hugging Face formats under {@code outDir}:
 * {@code mini-dino/} (DINOv2 format, dense per-patch objective), {@code mini-clip/} (CLIP vision format, image-level
 * contrastive objective against captions), {@code mini-ijepa/} (I-JEPA format, masked patch-embedding prediction).
 * Returns quality figures for the world README (e.g. {@code mini-dino.probe_object_acc}).
 */
public final class EncoderStage {
    private EncoderStage() {
    }

    public static Map<String, Double> build(EncoderTrainingData data, Path outDir, long seed, String scale) {
        throw new VistaException(ExitCodes.INTERNAL, "the world's encoder stage is not implemented yet");
    }
}
