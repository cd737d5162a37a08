package org.vistabench.model.vision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.vistabench.tensor.NdArrays;
import org.vistabench.io.Json;

/**
 * HF image preprocessing (CLIPImageProcessor, BitImageProcessor as DINOv2 uses it): convert to RGB, shortest-edge
 * resize with antialiased bicubic, centre crop, rescale, normalise, output CHW float32.
 *
 * <p>transformers 5's {@code CLIPImageProcessor} / {@code BitImageProcessor} are the torchvision backend (the PIL
 * backend is the {@code ...ImageProcessorPil} class): a uint8 tensor resized by {@code tvF.resize(antialias=True)},
 * then rescale and normalise fused as {@code (x - 255·mean) / (255·std)} in float32. That is the default here;
 * {@link Backend#PIL} reproduces the Pillow path.
 */
public final class ImageProcessor {
    /** Which HF backend to reproduce. */
    public enum Backend { TORCHVISION, PIL }

    public static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    public static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private final boolean convertRgb;
    private final boolean doResize;
    private final int shortestEdge;   // > 0: shortest-edge resize
    private final int resizeH;        // > 0 with resizeW: fixed-size resize
    private final int resizeW;
    private final Resampler.Filter filter;
    private final boolean doCrop;
    private final int cropH;
    private final int cropW;
    private final boolean doRescale;
    private final double rescaleFactor;
    private final boolean doNormalize;
    private final float[] mean;
    private final float[] std;
    private final Backend backend;

    private ImageProcessor(boolean convertRgb, boolean doResize, int shortestEdge, int resizeH, int resizeW,
                           Resampler.Filter filter, boolean doCrop, int cropH, int cropW, boolean doRescale,
                           double rescaleFactor, boolean doNormalize, float[] mean, float[] std, Backend backend) {
        this.convertRgb = convertRgb;
        this.doResize = doResize;
        this.shortestEdge = shortestEdge;
        this.resizeH = resizeH;
        this.resizeW = resizeW;
        this.filter = filter;
        this.doCrop = doCrop;
        this.cropH = cropH;
        this.cropW = cropW;
        this.doRescale = doRescale;
        this.rescaleFactor = rescaleFactor;
        this.doNormalize = doNormalize;
        this.mean = mean.clone();
        this.std = std.clone();
        this.backend = backend;
    }

    /** CLIPImageProcessor defaults: shortest edge 224, bicubic, centre crop 224, OpenAI CLIP mean/std. */
    public static ImageProcessor clip() {
        return new ImageProcessor(true, true, 224, 0, 0, Resampler.Filter.BICUBIC, true, 224, 224, true, 1 / 255.0,
                true, CLIP_MEAN, CLIP_STD, Backend.TORCHVISION);
    }

    /** facebook/dinov2-* preprocessor (BitImageProcessor): shortest edge 256, bicubic, crop 224, ImageNet mean/std. */
    public static ImageProcessor dinov2() {
        return new ImageProcessor(true, true, 256, 0, 0, Resampler.Filter.BICUBIC, true, 224, 224, true, 1 / 255.0,
                true, IMAGENET_MEAN, IMAGENET_STD, Backend.TORCHVISION);
    }

    /**
     * The processor for a model folder: its {@code preprocessor_config.json} when present, else the family's usual
     * preset (CLIP: {@link #clip()}; DINOv2 and I-JEPA: {@link #dinov2()}, ImageNet statistics), logged as a WARN.
     */
    public static ImageProcessor forModel(Path modelDir) {
        Path json = modelDir.resolve("preprocessor_config.json");
        if (Files.isRegularFile(json)) {
            return fromPreprocessorConfig(json);
        }
        VisionConfig cfg = VisionConfig.read(modelDir);
        ImageProcessor p = VisionConfig.CLIP.equals(cfg.family()) ? clip() : dinov2();
        org.slf4j.LoggerFactory.getLogger(ImageProcessor.class).warn("{}: no preprocessor_config.json, using the {} preset",
                modelDir, VisionConfig.CLIP.equals(cfg.family()) ? "clip" : "dinov2");
        return p;
    }

    /** Reads a {@code preprocessor_config.json}. */
    public static ImageProcessor fromPreprocessorConfig(Path json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readString(json));
        } catch (IOException e) {
            throw new VisionFormatException(json + ": cannot read preprocessor config: "
                    + Json.why(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new VisionFormatException(json + ": expected a JSON object");
        }
        return fromJson(root, json);
    }

    /**
     * Builds from the fields HF's {@code to_dict()} writes; missing fields take CLIPImageProcessor's defaults.
     * {@code image_processor_type} ending in {@code Pil} selects the PIL backend.
     */
    public static ImageProcessor fromJson(JsonNode n, Path source) {
        int shortest = 0;
        int h = 0;
        int w = 0;
        JsonNode size = n.get("size");
        if (size == null || size.isNull()) {
            shortest = 224;
        } else if (size.isInt()) {
            shortest = size.asInt(); // get_size_dict(int, default_to_square=False)
        } else if (size.has("shortest_edge") && !size.has("longest_edge")) {
            shortest = positive(size.get("shortest_edge"), "size.shortest_edge", source);
        } else if (size.has("height") && size.has("width")) {
            h = positive(size.get("height"), "size.height", source);
            w = positive(size.get("width"), "size.width", source);
        } else {
            throw new VisionFormatException(source + ": key 'size' " + size
                    + " is not supported (expected {shortest_edge}, {height, width} or an integer)");
        }
        int ch = 224;
        int cw = 224;
        JsonNode crop = n.get("crop_size");
        if (crop != null && !crop.isNull()) {
            if (crop.isInt()) {
                ch = cw = crop.asInt();
            } else if (crop.has("height") && crop.has("width")) {
                ch = positive(crop.get("height"), "crop_size.height", source);
                cw = positive(crop.get("width"), "crop_size.width", source);
            } else {
                throw new VisionFormatException(source + ": key 'crop_size' " + crop
                        + " is not supported (expected {height, width} or an integer)");
            }
        }
        int resample = n.path("resample").asInt(3);
        Resampler.Filter filter;
        if (resample == 3) {
            filter = Resampler.Filter.BICUBIC;
        } else if (resample == 2) {
            filter = Resampler.Filter.BILINEAR;
        } else {
            throw new VisionFormatException(source + ": key 'resample' " + resample
                    + " is not supported (expected 3 = bicubic or 2 = bilinear)");
        }
        String type = n.path("image_processor_type").asText("");
        Backend backend = type.endsWith("Pil") ? Backend.PIL : Backend.TORCHVISION;
        return new ImageProcessor(n.path("do_convert_rgb").asBoolean(true), n.path("do_resize").asBoolean(true),
                shortest, h, w, filter, n.path("do_center_crop").asBoolean(true), ch, cw,
                n.path("do_rescale").asBoolean(true), n.path("rescale_factor").asDouble(1 / 255.0),
                n.path("do_normalize").asBoolean(true), triple(n, "image_mean", CLIP_MEAN, source),
                triple(n, "image_std", CLIP_STD, source), backend);
    }

    /** The same settings, reproducing another backend. */
    public ImageProcessor withBackend(Backend b) {
        return new ImageProcessor(convertRgb, doResize, shortestEdge, resizeH, resizeW, filter, doCrop, cropH, cropW,
                doRescale, rescaleFactor, doNormalize, mean, std, b);
    }

    public Backend backend() {
        return backend;
    }

    /** Runs the whole pipeline on one image; returns {@code [3, H, W]} flattened (H, W = crop size when cropping). */
    public float[] process(BufferedImage image) {
        int[] dims = new int[2];
        int[][] planes = resizedAndCropped(image, dims);
        return normalizePlanes(planes, dims[0], dims[1]);
    }

    /** {@link #process} for a batch: {@code [B, 3, H, W]}; all images must end at the same size (crop on). */
    public NDArray processBatch(NDManager manager, List<BufferedImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("empty image batch");
        }
        float[] all = null;
        int h = 0;
        int w = 0;
        for (int i = 0; i < images.size(); i++) {
            int[] dims = new int[2];
            float[] chw = normalizePlanes(resizedAndCropped(images.get(i), dims), dims[0], dims[1]);
            if (all == null) {
                h = dims[0];
                w = dims[1];
                all = new float[images.size() * chw.length];
            } else if (dims[0] != h || dims[1] != w) {
                throw new IllegalArgumentException("image " + i + " processed to " + dims[0] + "x" + dims[1]
                        + ", batch is " + h + "x" + w);
            }
            System.arraycopy(chw, 0, all, i * chw.length, chw.length);
        }
        return NdArrays.owned(manager, all, new Shape(images.size(), 3, h, w));
    }

    /**
     * For images already at model size (the mini world's scenes): {@code chw} holds values in [0, 1] as
     * {@code [3, H, W]}; only normalisation is applied ({@code (x - mean) / std}), no resize or crop.
     */
    public float[] fromPixels(float[] chw, int height, int width) {
        int plane = height * width;
        if (chw.length != 3 * plane) {
            throw new IllegalArgumentException("expected 3x" + height + "x" + width + " values, got " + chw.length);
        }
        float[] out = new float[chw.length];
        for (int c = 0; c < 3; c++) {
            float m = doNormalize ? mean[c] : 0f;
            float s = doNormalize ? std[c] : 1f;
            for (int i = 0; i < plane; i++) {
                out[c * plane + i] = (chw[c * plane + i] - m) / s;
            }
        }
        return out;
    }

    /** {@link #fromPixels} for a batch {@code [B, 3, H, W]} in [0, 1], done with torch ops. */
    public NDArray fromPixels(NDArray batch01) {
        if (!doNormalize) {
            return batch01.duplicate();
        }
        NDManager m = batch01.getManager();
        NDArray mu = NdArrays.owned(m, mean, new Shape(1, 3, 1, 1));
        NDArray sd = NdArrays.owned(m, std, new Shape(1, 3, 1, 1));
        NDArray out = batch01.sub(mu).div(sd);
        mu.close();
        sd.close();
        return out;
    }

    /** 8-bit planes after RGB conversion, resize and crop; {@code dims} receives {height, width}. */
    int[][] resizedAndCropped(BufferedImage image, int[] dims) {
        int h = image.getHeight();
        int w = image.getWidth();
        int[][] planes = rgbPlanes(image);
        if (doResize) {
            int[] size = resizedSize(w, h);
            int nh = size[1];
            int nw = size[0];
            planes = Resampler.resize(planes, h, w, nh, nw, filter,
                    backend == Backend.PIL ? Resampler.Backend.PIL : Resampler.Backend.TORCHVISION);
            h = nh;
            w = nw;
        }
        if (doCrop) {
            planes = centerCrop(planes, h, w, cropH, cropW);
            h = cropH;
            w = cropW;
        }
        dims[0] = h;
        dims[1] = w;
        return planes;
    }

    /** {width, height} after the resize step for a {@code width × height} input (the input's size without one). */
    private int[] resizedSize(int w, int h) {
        if (!doResize) {
            return new int[] {w, h};
        }
        if (shortestEdge > 0) {
            // HF get_resize_output_image_size(default_to_square=False): the long side is truncated, not rounded
            boolean wShort = w <= h;
            int shortSide = wShort ? w : h;
            int longSide = wShort ? h : w;
            int newLong = (int) ((long) shortestEdge * longSide / (double) shortSide);
            return wShort ? new int[] {shortestEdge, newLong} : new int[] {newLong, shortestEdge};
        }
        return new int[] {resizeW, resizeH};
    }

    /**
     * The region of a {@code width × height} input image that {@link #process} puts in its pixel tensor, from this
     * processor's own resize and crop with the same arithmetic: the resized size as {@link #process} computes it
     * (shortest edge: the long side truncated), then torchvision's centre crop on it (zero padding of
     * {@code (crop − size) / 2} when the crop is larger, then offset {@code int((size − crop) / 2.0)}). The region
     * is that crop window divided by the resized size. Without a crop it is {@link VisibleRegion#FULL}.
     *
     * <p>E.g. DINOv2 (shortest edge 256, crop 224) on 640 × 480: resized to 341 × 256, crop offset (58, 16), so
     * x ∈ [58/341, 282/341), y ∈ [16/256, 240/256); on any square input: [1/16, 15/16) both ways. CLIP (224, 224) on
     * a square input: the whole image.
     */
    public VisibleRegion visibleRegion(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size " + width + "x" + height);
        }
        if (!doCrop) {
            return VisibleRegion.FULL;
        }
        int[] size = resizedSize(width, height);
        int w = size[0];
        int h = size[1];
        int[] x = cropWindow(w, cropW);
        int[] y = cropWindow(h, cropH);
        if (x[0] == 0 && x[1] == w && y[0] == 0 && y[1] == h) {
            return VisibleRegion.FULL;
        }
        return new VisibleRegion(x[0] / (double) w, y[0] / (double) h, x[1] / (double) w, y[1] / (double) h);
    }

    /** {first, end} of {@link #centerCrop}'s window along one axis of {@code size} pixels, in that axis's pixels. */
    static int[] cropWindow(int size, int crop) {
        int pad = crop > size ? (crop - size) / 2 : 0;
        int padded = Math.max(size, crop);
        int first = (int) ((padded - crop) / 2.0) - pad;
        return new int[] {first, first + crop};
    }

    private float[] normalizePlanes(int[][] planes, int h, int w) {
        int plane = h * w;
        float[] out = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            int[] p = planes[c];
            int o = c * plane;
            if (backend == Backend.TORCHVISION) {
                if (doRescale && doNormalize) {
                    // _fuse_mean_std_and_rescale_factor: float32 tensors mean * (1 / rescale_factor)
                    float inv = (float) (1.0 / rescaleFactor);
                    float m = mean[c] * inv;
                    float s = std[c] * inv;
                    for (int i = 0; i < plane; i++) {
                        out[o + i] = ((float) p[i] - m) / s;
                    }
                } else if (doNormalize) {
                    for (int i = 0; i < plane; i++) {
                        out[o + i] = ((float) p[i] - mean[c]) / std[c];
                    }
                } else {
                    float f = doRescale ? (float) rescaleFactor : 1f;
                    for (int i = 0; i < plane; i++) {
                        out[o + i] = p[i] * f;
                    }
                }
            } else {
                for (int i = 0; i < plane; i++) {
                    // numpy: rescale in float64 then cast to float32; normalise in float32
                    float x = doRescale ? (float) (p[i] * rescaleFactor) : (float) p[i];
                    out[o + i] = doNormalize ? (x - mean[c]) / std[c] : x;
                }
            }
        }
        return out;
    }

    /** torchvision centre crop: zero-pad when the crop is larger, then {@code top = int((H - ch) / 2.0)}. */
    static int[][] centerCrop(int[][] planes, int h, int w, int ch, int cw) {
        int top = cropWindow(h, ch)[0];   // negative when padded
        int left = cropWindow(w, cw)[0];
        int[][] out = new int[planes.length][ch * cw];
        for (int c = 0; c < planes.length; c++) {
            for (int y = 0; y < ch; y++) {
                int sy = y + top;
                if (sy < 0 || sy >= h) {
                    continue;
                }
                for (int x = 0; x < cw; x++) {
                    int sx = x + left;
                    if (sx >= 0 && sx < w) {
                        out[c][y * cw + x] = planes[c][sy * w + sx];
                    }
                }
            }
        }
        return out;
    }

    /**
     * RGB planes as Pillow's {@code convert("RGB")} / HF's {@code convert_to_rgb} would give them: grey replicated
     * from the raw samples (Java's getRGB would apply a gamma), alpha composited over white like
     * {@code Image.alpha_composite}.
     */
    static int[][] rgbPlanes(BufferedImage img) {
        int h = img.getHeight();
        int w = img.getWidth();
        int[][] out = new int[3][h * w];
        Raster r = img.getRaster();
        boolean grey = img.getColorModel().getNumComponents() <= 2
                && img.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY
                && r.getSampleModel().getSampleSize(0) == 8;
        boolean alpha = img.getColorModel().hasAlpha();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int red;
                int green;
                int blue;
                int a;
                if (grey) {
                    red = green = blue = r.getSample(x, y, 0);
                    a = alpha ? r.getSample(x, y, 1) : 255;
                } else {
                    int argb = img.getRGB(x, y);
                    a = argb >>> 24;
                    red = (argb >> 16) & 0xff;
                    green = (argb >> 8) & 0xff;
                    blue = argb & 0xff;
                }
                if (alpha && a < 255) {
                    red = overWhite(red, a);
                    green = overWhite(green, a);
                    blue = overWhite(blue, a);
                }
                out[0][i] = red;
                out[1][i] = green;
                out[2][i] = blue;
            }
        }
        return out;
    }

    /** Pillow's ImagingAlphaComposite of (c, a) over opaque white, in its fixed point (PRECISION_BITS = 7). */
    private static int overWhite(int c, int a) {
        if (a == 0) {
            return 255;
        }
        long blend = 255L * (255 - a);
        long outa255 = a * 255L + blend;
        long coef1 = a * 255L * 255L * (1 << 7) / outa255;
        long coef2 = 255L * (1 << 7) - coef1;
        long tmp = c * coef1 + 255L * coef2 + (0x80 << 7);
        return (int) ((((tmp >> 8) + tmp) >> 8) >> 7);
    }

    private static int positive(JsonNode v, String key, Path source) {
        if (v == null || !v.isInt() || v.asInt() <= 0) {
            throw new VisionFormatException(source + ": key '" + key + "' must be a positive integer, found " + v);
        }
        return v.asInt();
    }

    private static float[] triple(JsonNode n, String key, float[] dflt, Path source) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (v.isNumber()) {
            float f = (float) v.asDouble();
            return new float[] {f, f, f};
        }
        if (!v.isArray() || v.size() != 3) {
            throw new VisionFormatException(source + ": key '" + key + "' must be 3 numbers, found " + v);
        }
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            out[i] = (float) v.get(i).asDouble();
        }
        return out;
    }
}
