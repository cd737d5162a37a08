package org.vistabench.model.lm;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.vistabench.tensor.Checkpoint;

/** Loads a Hugging Face causal-LM folder (config.json + safetensors) by its {@code model_type}. */
public final class LmLoader {
    private LmLoader() {
    }

    /**
     * Reads {@code dir/config.json} and the weights, checking that every tensor the config needs is present with the
     * config's shape (errors name the file and the tensor). Weights are float32 (bf16/f16 files are converted in
     * Java) in a sub-manager of {@code manager}, freed by {@link CausalLm#close()}.
     */
    public static CausalLm load(Path dir, NDManager manager) {
        return load(dir, LmConfig.read(dir), manager);
    }

    /** As {@link #load(Path, NDManager)} with a config read elsewhere (e.g. {@code config.classic.json}). */
    public static CausalLm load(Path dir, LmConfig config, NDManager manager) {
        NDManager w = manager.newSubManager();
        try (Checkpoint ck = Checkpoint.open(dir)) {
            return switch (config.family()) {
                case "gemma2" -> Gemma2.load(config, ck, w);
                case "llama" -> Llama.load(config, ck, w);
                default -> throw new LmFormatException(config.source() + ": model_type '" + config.family()
                        + "' is not supported");
            };
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
    }
}
