package org.vistabench.world.encoders;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.vistabench.io.Json;
import org.vistabench.model.vision.ImageProcessor;
import org.vistabench.tensor.NdArrays;

/**
 * The preprocessing each encoder is trained with, written as its {@code preprocessor_config.json} and read back
 * through {@link ImageProcessor}, so training and every later reader normalise pixels the same way.
 */
final class Pixels {
    private final ObjectNode json;
    private final ImageProcessor processor;
    private final int imageSize;

    Pixels(Family family, int imageSize) {
        this.imageSize = imageSize;
        boolean clip = family == Family.CLIP;
        float[] mean = clip ? ImageProcessor.CLIP_MEAN : ImageProcessor.IMAGENET_MEAN;
        float[] std = clip ? ImageProcessor.CLIP_STD : ImageProcessor.IMAGENET_STD;
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.putObject("crop_size").put("height", imageSize).put("width", imageSize);
        n.put("do_center_crop", true);
        n.put("do_convert_rgb", true);
        n.put("do_normalize", true);
        n.put("do_rescale", true);
        n.put("do_resize", true);
        ArrayNode m = n.putArray("image_mean");
        ArrayNode s = n.putArray("image_std");
        for (int c = 0; c < 3; c++) {
            m.add(mean[c]);
            s.add(std[c]);
        }
        n.put("image_processor_type", clip ? "CLIPImageProcessor" : "BitImageProcessor");
        n.put("resample", 3);
        n.put("rescale_factor", 1 / 255.0);
        n.putObject("size").put("shortest_edge", imageSize);
        this.json = n;
        this.processor = ImageProcessor.fromJson(n, Path.of("preprocessor_config.json"));
    }

    ObjectNode json() {
        return json;
    }

    ImageProcessor processor() {
        return processor;
    }

    /** Normalised pixel values {@code [B, 3, S, S]} for the images at {@code idx}. */
    NDArray batch(NDManager m, List<float[]> images, int[] idx) {
        int per = 3 * imageSize * imageSize;
        float[] all = new float[idx.length * per];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(processor.fromPixels(images.get(idx[i]), imageSize, imageSize), 0, all, i * per, per);
        }
        return NdArrays.owned(m, all, new Shape(idx.length, 3, imageSize, imageSize));
    }
}
