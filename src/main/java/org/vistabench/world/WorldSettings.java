package org.vistabench.world;

import java.util.LinkedHashMap;
import java.util.Map;
import org.vistabench.core.ExitCodes;
import org.vistabench.core.VistaException;
import org.vistabench.world.lm.LmTrainer;
import org.vistabench.world.sae.SaeTrainer;

/**
 * Everything a world build depends on besides the code: the scale's sizes and every stage's training settings.
 * Stage cache keys hash the parts each stage uses.
 *
 * @param lmExtraScenes layouts drawn only as LM text (grids and captions, no image files): the LM must learn to
 *     read any layout, and more layouts than the image set is cheap
 * @param slidingWindow the window of the LM's sliding (even) layers, Gemma-2's alternation. 1: block 0 (and 2)
 *     attend to their own position only, so the first block that reads across positions is block 1, after the first
 *     SAE layer (resid_post of block 0), as in a deep LM where the early layers the paper constrains and steers at
 *     come before the layers that read the image. With a window wider than the sequence (the default world.s LM until
 *     2026-12-07) block 0 already read the image, and edits at SAE layers came too late to change any answer.
 *     The tiny world keeps 256 (wider than its sequences): its LM cannot read a prefix, so no steering claim is
 *     evaluated there, and with window 1 its smoke gate's scale-free recon claim fell to 0.548 (> 0.5) while its
 *     2-layer LM lost its only early cross-position layer.
 */
public record WorldSettings(String scale, long seed, int trainScenes, int valScenes, int testScenes, int lmExtraScenes,
                            int captionsPerImage, int hidden, int layers, int heads, int kvHeads, int headDim,
                            int intermediate, int slidingWindow, LmTrainer.Settings lm, int lmEvalScenes,
                            int lmHeldOutDocs,
                            double firstObjectShare, int maxTurns, int maxTokens, SaeTrainer.Settings sae,
                            int saeTrainScenes, int saeTrainCaptions, int saeHeldOutScenes, int saeHeldOutCaptions,
                            int sheetScenes) {

    public static final String DEFAULT_SCALE = "default";

    public static WorldSettings of(String scale, long seed) {
        String s = scale == null ? DEFAULT_SCALE : scale;
        return switch (s) {
            case "default" -> new WorldSettings(s, seed, 2000, 200, 200, 4000, 3,
                    128, 4, 4, 2, 32, 256, 1,
                    new LmTrainer.Settings(1000, 16, 1e-2, 30, 0.1, 0.01, 1.0, 50, 0.97, 0.06), 128, 256,
                    0.8, 6, 110,
                    new SaeTrainer.Settings(512, 16, 400, 512, 2e-3, 20), 300, 400, 60, 100, 24);
            case "tiny" -> new WorldSettings(s, seed, 24, 8, 8, 40, 2,
                    32, 2, 2, 1, 16, 64, 256,
                    new LmTrainer.Settings(20, 8, 1e-2, 5, 0.1, 0.01, 1.0, 10, 0.95, 0.06), 8, 16,
                    0.6, 3, 110,
                    new SaeTrainer.Settings(64, 4, 30, 128, 2e-3, 5), 16, 16, 8, 8, 6);
            default -> throw new VistaException(ExitCodes.USAGE, "world.scale: expected tiny or default, got \"" + s + "\"");
        };
    }

    /** The settings as a sorted map (the stage keys hash its JSON). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scale", scale);
        m.put("seed", seed);
        m.put("scenes", Map.of("train", trainScenes, "val", valScenes, "test", testScenes, "lm_extra", lmExtraScenes,
                "captions_per_image", captionsPerImage));
        Map<String, Object> arch = new LinkedHashMap<>();
        arch.put("hidden", hidden);
        arch.put("layers", layers);
        arch.put("heads", heads);
        arch.put("kv_heads", kvHeads);
        arch.put("head_dim", headDim);
        arch.put("intermediate", intermediate);
        arch.put("sliding_window", slidingWindow);
        m.put("lm_arch", arch);
        m.put("lm_train", lm);
        m.put("lm_corpus", Map.of("first_object_share", firstObjectShare, "max_turns", maxTurns,
                "max_tokens", maxTokens, "eval_scenes", lmEvalScenes, "held_out_docs", lmHeldOutDocs));
        m.put("sae", sae);
        m.put("sae_data", Map.of("train_scenes", saeTrainScenes, "train_captions", saeTrainCaptions,
                "held_out_scenes", saeHeldOutScenes, "held_out_captions", saeHeldOutCaptions));
        m.put("sheet_scenes", sheetScenes);
        return m;
    }
}
