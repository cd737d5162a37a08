package org.vistabench.model.vision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.vistabench.tensor.SafeTensors;
import org.vistabench.tensor.TensorDiff;
import org.vistabench.io.Json;

/**
 * Runs {@code input.png} of a preprocess fixture through every processor in {@code processors.json} and compares
 * with {@code <name>.pixel_values} in {@code expected.safetensors}. Two rows per processor: {@code <name>.pixel_values}
 * (max |Δ|, bound {@link #MAX_ABS_BOUND}) and {@code <name>.pixel_values.mean_abs} (the mean |Δ| in the
 * {@code maxAbs} field, bound {@link #MEAN_ABS_BOUND}).
 */
public final class PreprocessParity {
    public static final double MAX_ABS_BOUND = 2e-2;
    public static final double MEAN_ABS_BOUND = 2e-3;

    private PreprocessParity() {
    }

    public static List<TensorDiff> run(Path fixtureDir) {
        return run(fixtureDir, null);
    }

    /** As {@link #run(Path)}, forcing a backend ({@code null}: as the processor config says). */
    public static List<TensorDiff> run(Path fixtureDir, ImageProcessor.Backend backend) {
        Path png = fixtureDir.resolve("input.png");
        Path cfg = fixtureDir.resolve("processors.json");
        BufferedImage img;
        JsonNode root;
        try {
            img = ImageIO.read(png.toFile());
            root = new ObjectMapper().readTree(Files.readString(cfg));
        } catch (IOException e) {
            throw new VisionFormatException(fixtureDir + ": cannot read input.png / processors.json: "
                    + Json.why(e), e);
        }
        if (img == null) {
            throw new VisionFormatException(png + ": not a readable image");
        }
        List<TensorDiff> out = new ArrayList<>();
        try (SafeTensors ref = SafeTensors.open(fixtureDir.resolve("expected.safetensors"))) {
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                ImageProcessor p = ImageProcessor.fromJson(e.getValue(), cfg);
                if (backend != null) {
                    p = p.withBackend(backend);
                }
                String name = e.getKey() + ".pixel_values";
                if (!ref.has(name)) {
                    throw new VisionFormatException(fixtureDir.resolve("expected.safetensors") + ": tensor '" + name
                            + "' is missing (processors.json names '" + e.getKey() + "')");
                }
                float[] ours = p.process(img);
                float[] want = ref.floats(name);
                double sum = 0;
                double maxRef = 0;
                for (int i = 0; i < Math.min(ours.length, want.length); i++) {
                    sum += Math.abs((double) ours[i] - want[i]);
                    maxRef = Math.max(maxRef, Math.abs(want[i]));
                }
                double mean = ours.length == want.length ? sum / want.length : Double.POSITIVE_INFINITY;
                out.add(VisionParity.compare(name, ours, want, MAX_ABS_BOUND, TensorDiff.Bound.MAX_ABS));
                out.add(new TensorDiff(name + ".mean_abs", mean, mean / Math.max(maxRef, 1e-30),
                        TensorDiff.Bound.MAX_ABS, MEAN_ABS_BOUND, mean <= MEAN_ABS_BOUND));
            }
        }
        return out;
    }
}
