package org.vistabench.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.vistabench.model.lm.LmConfig;
import org.vistabench.model.projector.Projector;
import org.vistabench.model.projector.ProjectorKind;
import org.vistabench.model.vision.VisionConfig;

/**
 * One cell's peak resident memory, estimated from shapes alone (the LM's and the encoder's {@code config.json}, the SAE
 * widths, the {@code train:} block) before anything is loaded, so that a batch that cannot fit is refused with the
 * numbers instead of growing until the kernel kills the process (a spec with {@code batch: 100000} on the tiny world
 * reached 20 GB and exit 137). Every value is fp32 (4 bytes):
 *
 * <pre>
 *   peak = runtime + LM weights + SAE weights + encoder weights + projector state
 *        + max(train step, held-out batch, feature extraction)
 * </pre>
 *
 * with B = {@code train.batch}, the micro-batch (one forward pass: gradient accumulation sums micro-batches' gradients
 * into the projector's one gradient buffer and adds no activations; with {@code train.stages}, {@code train.batch} is
 * the largest stage batch), N the image tokens, T = N + {@value #TEXT_TOKENS} positions (the chat template,
 * question and answer: the mini world's are 21, COCO captions with Gemma's tokenizer about 40), D, L, H, Hkv, hd, I, V
 * the LM's hidden size, layers, heads, kv heads, head dim, MLP width and vocabulary, W_l the width of the SAE at layer
 * l, S the cell's constrained layers, F the encoder's feature width:
 * <ul>
 *   <li><b>runtime</b>: the JVM with libtorch and nothing else, {@value #RUNTIME_BYTES} bytes;</li>
 *   <li><b>LM weights</b>: V·D (embedding; again for an untied head) + L·((H + 2·Hkv)·hd·D + H·hd·D + 3·I·D + 4·D);</li>
 *   <li><b>SAE weights</b>: Σ (2·D·W_l + 2·W_l + D) over every SAE layer loaded, plus a random copy of each
 *       constrained layer's SAE for the {@code random-sae} control;</li>
 *   <li><b>encoder weights</b>: its layers (4·Dv² + 2·Dv·Iv and biases, norms), patch and position embeddings;</li>
 *   <li><b>projector state</b>: 4 × its parameters (weights, gradients, AdamW's two moments);</li>
 *   <li><b>train step</b>: {@value #ACTIVATION_FACTOR} × B × (T · lmPosition + N · imagePosition). DJL keeps every
 *       intermediate of a step until the step's manager closes, so a forward pass costs the sum of all its op
 *       outputs: lmPosition = L · (16·D + (H + 2·Hkv)·hd + 4·(H + Hkv)·hd + 3·H·hd + 5·H·T + 9·I) + 4·V + 3·D (per
 *       layer: four RMSNorms of three outputs each, two residual adds and two output projections; the fused q/k/v,
 *       the rotary rotation, the attention output's copies; scores, soft-cap, mask and softmax over T keys; the fused
 *       gate/up, GELU-tanh and gating; then the logits with Gemma's final soft-cap and the embeddings), imagePosition =
 *       F + 6·D + Σ_{l ∈ S} (6·W_l + 5·D) (the features, the projector, the SAE's encode, gate and decode at each
 *       constrained layer). The factor covers the backward pass's transient buffers;</li>
 *   <li><b>held-out batch</b> (no gradients): Be × T · (lmPosition + Σ_l (12·W_l + 5·D)) over every SAE layer, with
 *       Be = min(B, {@code eval_images}): the evaluation after training measures every SAE layer at every position;</li>
 *   <li><b>feature extraction</b> (when the features are not cached yet): {@value #EXTRACTION_BATCH} images × P ·
 *       Lv · (16·Dv + 5·Iv + 5·Hv·P), P the encoder's positions.</li>
 * </ul>
 * The features cache and weight files are memory-mapped: page cache, not counted. Other stages (caption, steering)
 * run smaller batches than the train step.
 *
 * <p>Measured peak RSS ({@code /usr/bin/time -v}, {@code -Xmx2g}) of {@code run} on the tiny mini world (layer set
 * [0, 1], train only, 4 steps; the real T is 85) against this estimate: batch 8: 272 MiB measured, 285 estimated
 * (1.05×); 64: 417 / 474 (1.14×); 512: 1637 / 1991 (1.22×); 2048: 5278 / 7196 (1.36×). The estimate errs high, by
 * T's allowance mostly; at the probe's batch 100000 it is 331 GiB.
 */
public record MemoryEstimate(Map<String, Long> terms, long peak, String peakPhase) {
    /** Bytes of the JVM with libtorch loaded and nothing else (measured: 255 MB peak RSS at batch → 0). */
    public static final long RUNTIME_BYTES = 256L << 20;
    /** Text positions of a training sequence besides the image tokens (template, question, answer, padding). */
    public static final int TEXT_TOKENS = 40;
    /** Measured: peak RSS per sample over the summed forward outputs is 1.2–1.35 on the tiny world (T exact). */
    public static final double ACTIVATION_FACTOR = 1.35;
    /** Images per encoder forward when features are extracted ({@code FeatureCache} extracts 16 at a time). */
    public static final int EXTRACTION_BATCH = 16;
    public static final String TRAIN_STEP = "train step activations";
    public static final String HELD_OUT = "held-out batch activations";
    public static final String EXTRACTION = "feature extraction activations";
    private static final long FLOAT = 4;

    public MemoryEstimate {
        terms = Collections.unmodifiableMap(new LinkedHashMap<>(terms));
    }

    /**
     * The shapes one cell's memory depends on.
     *
     * @param imageTokens      N, image tokens per image in the features (the patch grid, + CLS with tokens: all)
     * @param encoderPositions P, the encoder's own positions per image (patches and CLS)
     * @param saeWidths        layer → SAE width, every SAE layer the LM loads
     * @param constrained      the cell's constrained layers (its layer set, resolved)
     * @param randomControl    the {@code random-sae} control (a random SAE per constrained layer)
     * @param evalBatch        the held-out batch: min(batch, eval_images)
     */
    public record Shapes(LmConfig lm, VisionConfig encoder, int imageTokens, int encoderPositions,
                         SortedMap<Integer, Integer> saeWidths, List<Integer> constrained, boolean randomControl,
                         ProjectorKind projector, int batch, int evalBatch) {
        public Shapes {
            saeWidths = Collections.unmodifiableSortedMap(new TreeMap<>(saeWidths));
            constrained = List.copyOf(constrained);
        }
    }

    /** The estimate of {@code s} (see the class comment for the formula). */
    public static MemoryEstimate of(Shapes s) {
        LmConfig c = s.lm();
        long d = c.hiddenSize();
        long t = (long) s.imageTokens() + TEXT_TOKENS;
        long n = s.imageTokens();
        Map<String, Long> terms = new LinkedHashMap<>();
        terms.put("runtime (JVM, libtorch)", RUNTIME_BYTES);
        terms.put("LM weights", FLOAT * lmParameters(c));
        long sae = 0;
        for (int w : s.saeWidths().values()) {
            sae += saeParameters(d, w);
        }
        if (s.randomControl()) {
            for (int l : s.constrained()) {
                sae += saeParameters(d, s.saeWidths().getOrDefault(l, 0));
            }
        }
        terms.put("SAE weights", FLOAT * sae);
        terms.put("encoder weights", FLOAT * encoderParameters(s.encoder()));
        int f = s.encoder().hiddenSize();
        terms.put("projector + AdamW state", FLOAT * 4 * projectorParameters(s.projector(), f, c.hiddenSize()));

        long lmPosition = lmPosition(c, t);
        long imagePosition = f + 6 * d;
        for (int l : s.constrained()) {
            imagePosition += 6L * s.saeWidths().getOrDefault(l, 0) + 5 * d;
        }
        long stepFloats = (long) s.batch() * (t * lmPosition + n * imagePosition);
        long heldOutPosition = lmPosition;
        for (int w : s.saeWidths().values()) {
            heldOutPosition += 12L * w + 5 * d;
        }
        Map<String, Long> phases = new LinkedHashMap<>();
        phases.put(TRAIN_STEP, (long) (ACTIVATION_FACTOR * FLOAT * stepFloats));
        phases.put(HELD_OUT, FLOAT * s.evalBatch() * t * heldOutPosition);
        phases.put(EXTRACTION, FLOAT * EXTRACTION_BATCH * s.encoderPositions() * encoderPosition(s.encoder(),
                s.encoderPositions()));
        String worst = null;
        for (Map.Entry<String, Long> e : phases.entrySet()) {
            if (worst == null || e.getValue() > phases.get(worst)) {
                worst = e.getKey();
            }
        }
        terms.putAll(phases);
        long peak = 0;
        for (Map.Entry<String, Long> e : terms.entrySet()) {
            if (!phases.containsKey(e.getKey()) || e.getKey().equals(worst)) {
                peak += e.getValue();
            }
        }
        return new MemoryEstimate(terms, peak, worst);
    }

    /** The {@code k} largest terms that make up the peak, e.g. {@code train step activations 341.2 GiB}. */
    public List<String> largest(int k) {
        List<Map.Entry<String, Long>> in = new ArrayList<>();
        for (Map.Entry<String, Long> e : terms.entrySet()) {
            boolean phase = e.getKey().equals(TRAIN_STEP) || e.getKey().equals(HELD_OUT)
                    || e.getKey().equals(EXTRACTION);
            if (!phase || e.getKey().equals(peakPhase)) {
                in.add(e);
            }
        }
        in.sort(Map.Entry.<String, Long>comparingByValue().reversed());
        return in.stream().limit(k).map(e -> e.getKey() + " " + bytes(e.getValue())).toList();
    }

    /** Activation floats of one sequence position through the whole LM (see the class comment). */
    static long lmPosition(LmConfig c, long keys) {
        long d = c.hiddenSize();
        long hd = c.headDim();
        long h = c.numHeads();
        long kv = c.numKvHeads();
        long perLayer = 16 * d + (h + 2 * kv) * hd + 4 * (h + kv) * hd + 3 * h * hd + 5 * h * keys
                + 9L * c.intermediateSize();
        return c.numLayers() * perLayer + 4L * c.vocabSize() + 3 * d;
    }

    static long lmParameters(LmConfig c) {
        long d = c.hiddenSize();
        long hd = c.headDim();
        long perLayer = ((long) c.numHeads() + 2L * c.numKvHeads()) * hd * d + c.numHeads() * hd * d
                + 3L * c.intermediateSize() * d + 4 * d;
        long embed = (long) c.vocabSize() * d;
        return embed * (c.tieWordEmbeddings() ? 1 : 2) + c.numLayers() * perLayer + d;
    }

    static long saeParameters(long dModel, long width) {
        return width == 0 ? 0 : 2 * dModel * width + 2 * width + dModel;
    }

    /** Layers (q, k, v, o, two MLP matrices, their biases, two norms, layer scales), patch and position embeddings. */
    static long encoderParameters(VisionConfig v) {
        long d = v.hiddenSize();
        long i = v.intermediateSize();
        long perLayer = 4 * d * d + 4 * d + 2 * d * i + i + d + 6 * d;
        long p = v.patchSize();
        long positions = (long) v.gridSize() * v.gridSize() + 1;
        return v.numLayers() * perLayer + (long) v.numChannels() * p * p * d + d + positions * d + 2 * d;
    }

    /** Activation floats of one encoder position through all its layers, attending over {@code keys} positions. */
    static long encoderPosition(VisionConfig v, long keys) {
        return v.numLayers() * (16L * v.hiddenSize() + 5L * v.intermediateSize() + 5L * v.numHeads() * keys);
    }

    static long projectorParameters(ProjectorKind kind, int in, int out) {
        long total = 0;
        for (String name : Projector.names(kind)) {
            long n = 1;
            for (long x : Projector.shapeOf(kind, in, out, name)) {
                n *= x;
            }
            total += n;
        }
        return total;
    }

    /** Bytes in words: {@code 512 B}, {@code 3.4 MiB}, {@code 341.2 GiB}. */
    public static String bytes(long b) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = b;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? b + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
